package dev.cloudimages.sbom;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An image's software bill of materials, made from its own apk database: an SPDX 2.3 JSON
 * document (the image as the described package, CONTAINS each apk package with its version,
 * declared license, purl, origin and aports commit) and a plain package list (one tab-separated
 * line per package: name, version, arch, license, origin, commit). Both come out byte for byte the
 * same for the same database and image: packages sorted by name, the creation time the build's
 * (SOURCE_DATE_EPOCH when set), the document namespace derived from the image name and the
 * database's content rather than random.
 */
public final class ImageSbom {

    /** What the document says about the image itself. */
    public record Image(String name, String release, String arch, String created, String tool) {
    }

    private static final String NO = "NOASSERTION";

    private final Image image;
    private final List<ApkPackage> packages;

    public ImageSbom(Image image, List<ApkPackage> packages) {
        this.image = image;
        this.packages = List.copyOf(packages);
    }

    public List<ApkPackage> packages() {
        return packages;
    }

    /** The plain list, with a header line naming the columns. */
    public String packageList() {
        StringBuilder out = new StringBuilder("# name\tversion\tarch\tlicense\torigin\tcommit\n");
        for (ApkPackage p : packages) {
            out.append(String.join("\t", p.name(), p.version(), p.arch(), p.license(), p.origin(), p.commit()))
                    .append('\n');
        }
        return out.toString();
    }

    public String spdxJson() {
        SpdxLicenses licenses = new SpdxLicenses();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("spdxVersion", "SPDX-2.3");
        doc.put("dataLicense", "CC0-1.0");
        doc.put("SPDXID", "SPDXRef-DOCUMENT");
        doc.put("name", image.name());
        doc.put("documentNamespace", "https://spdx.org/spdxdocs/" + image.name() + "-" + UUID.nameUUIDFromBytes(
                (image.name() + "\n" + packageList()).getBytes(StandardCharsets.UTF_8)));
        doc.put("creationInfo", Map.of("created", image.created(), "creators", List.of("Tool: " + image.tool())));
        doc.put("documentDescribes", List.of("SPDXRef-Image"));

        List<Map<String, Object>> entries = new ArrayList<>();
        List<Map<String, Object>> relationships = new ArrayList<>();
        relationships.add(relationship("SPDXRef-DOCUMENT", "DESCRIBES", "SPDXRef-Image"));
        Map<String, Object> self = new LinkedHashMap<>();
        self.put("name", image.name());
        self.put("SPDXID", "SPDXRef-Image");
        self.put("versionInfo", image.release());
        self.put("primaryPackagePurpose", "OPERATING-SYSTEM");
        self.put("downloadLocation", NO);
        self.put("filesAnalyzed", false);
        self.put("licenseConcluded", NO);
        self.put("licenseDeclared", NO);
        self.put("copyrightText", NO);
        self.put("description", "Alpine Linux " + image.release() + " disk image (" + image.arch() + ")");
        entries.add(self);
        int n = 0;
        for (ApkPackage p : packages) {
            String id = "SPDXRef-Package-" + (++n) + "-" + p.name().replaceAll("[^A-Za-z0-9.-]", "-");
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", p.name());
            entry.put("SPDXID", id);
            entry.put("versionInfo", p.version());
            entry.put("supplier", "Organization: Alpine Linux");
            entry.put("downloadLocation", NO);
            entry.put("filesAnalyzed", false);
            if (p.url().startsWith("http://") || p.url().startsWith("https://")) {
                entry.put("homepage", p.url());
            }
            if (!p.origin().isEmpty()) {
                entry.put("sourceInfo", "built from aports package " + p.origin()
                        + (p.commit().isEmpty() ? "" : " at aports commit " + p.commit()));
            }
            SpdxLicenses.Declared declared = licenses.declared(p.license());
            entry.put("licenseConcluded", NO);
            entry.put("licenseDeclared", declared.expression());
            if (declared.comment() != null) {
                entry.put("licenseComments", declared.comment());
            }
            entry.put("copyrightText", NO);
            if (!p.description().isEmpty()) {
                entry.put("summary", p.description());
            }
            entry.put("externalRefs", List.of(Map.of("referenceCategory", "PACKAGE-MANAGER",
                    "referenceType", "purl", "referenceLocator", p.purl(image.release()))));
            entries.add(entry);
            relationships.add(relationship("SPDXRef-Image", "CONTAINS", id));
        }
        if (!licenses.references().isEmpty()) {
            List<Map<String, Object>> extracted = new ArrayList<>();
            licenses.references().forEach((id, word) -> extracted.add(ordered("licenseId", id, "name", word,
                    "extractedText", "The apk package database names this license '" + word
                            + "', which is not an SPDX license identifier.")));
            doc.put("hasExtractedLicensingInfos", extracted);
        }
        doc.put("packages", entries);
        doc.put("relationships", relationships);
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, false)
                    .writeValueAsString(sortInner(doc)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the SPDX document: " + e.getOriginalMessage(), e);
        }
    }

    private static Map<String, Object> relationship(String from, String type, String to) {
        return ordered("spdxElementId", from, "relationshipType", type, "relatedSpdxElement", to);
    }

    private static Map<String, Object> ordered(String... keyValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(keyValues[i], keyValues[i + 1]);
        }
        return map;
    }

    /** Map.of has no order: the few written with it are given one, so the bytes never vary. */
    @SuppressWarnings("unchecked")
    private static Object sortInner(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = map instanceof LinkedHashMap ? new LinkedHashMap<>() : new java.util.TreeMap<>();
            map.forEach((k, v) -> out.put((String) k, sortInner(v)));
            return out;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(ImageSbom::sortInner).toList();
        }
        return value;
    }
}
