package dev.cloudimages.release;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cloudimages.config.ConfigsYaml;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * One image's metadata in the artifact store ({@code <image name>.yaml}), the state every machine
 * reads and every step updates. The first fields are the reference's (identity, the times of each
 * step, import_id/import_region, artifacts: region to image id); ours follow: the variant key,
 * build name, input hash, the image file with its format, size and digests, who signed it, and
 * what image.yaml says of the image beside its record: the SBOM's file names and digests
 * ({@code sbom}) and the provenance (tool, builder ISO, kernel, repositories and the keys that
 * signed their indexes). Those two are empty in metadata written before they were added, and in
 * metadata of an image uploaded without them; nothing the steps decide reads them.
 * A time is null until its step has happened. Immutable: each step makes a new one.
 */
public record ImageMetadata(Map<String, String> identity, int revision,
                            String built, String uploaded, String imported, String signed, String published,
                            String released, String updated,
                            String importId, String importRegion, Map<String, String> artifacts,
                            String variant, String buildName, String inputHash,
                            String file, String format, long size, String sha256, String sha512,
                            String signature, String signedBy,
                            Map<String, Object> sbom, Map<String, Object> provenance) {

    /** The reference's identity keys, in the order it writes them. */
    public static final java.util.List<String> IDENTITY_KEYS = java.util.List.of("name", "project", "image_key",
            "version", "release", "arch", "firmware", "bootstrap", "cloud", "description", "end_of_life");

    public ImageMetadata {
        identity = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(identity));
        artifacts = java.util.Collections.unmodifiableMap(new TreeMap<>(artifacts));
        sbom = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(sbom == null ? Map.of() : sbom));
        provenance = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(provenance == null ? Map.of()
                : provenance));
    }

    public String name() {
        return identity.getOrDefault("name", "");
    }

    public boolean isUploaded() {
        return uploaded != null;
    }

    public boolean isImported() {
        return imported != null && importId != null;
    }

    public boolean isSigned() {
        return signed != null;
    }

    public boolean isPublished() {
        return published != null;
    }

    public boolean isReleased() {
        return released != null;
    }

    /** A revision nothing has happened to yet: who it is, and no image file, steps or regions. */
    static ImageMetadata unrecorded(Map<String, String> identity, int revision, String variant, String buildName,
                                    String inputHash) {
        Draft draft = new Draft();
        draft.identity = identity;
        draft.revision = revision;
        draft.variant = variant;
        draft.buildName = buildName;
        draft.inputHash = inputHash;
        return draft.build();
    }

    /** With the image file an upload stores, when it was built, and what its image.yaml says of it. */
    ImageMetadata withImageFile(String builtAt, String name, String fileFormat, long fileSize, String fileSha256,
                                String fileSha512, Map<String, Object> sbomFiles, Map<String, Object> provenanceBlock) {
        return with(d -> {
            d.built = builtAt;
            d.file = name;
            d.format = fileFormat;
            d.size = fileSize;
            d.sha256 = fileSha256;
            d.sha512 = fileSha512;
            d.sbom = sbomFiles;
            d.provenance = provenanceBlock;
        });
    }

    public ImageMetadata withUploaded(String when) {
        return with(d -> {
            d.uploaded = when;
            d.updated = when;
        });
    }

    public ImageMetadata withImported(String when, String id, String region) {
        return with(d -> {
            d.imported = when;
            d.updated = when;
            d.importId = id;
            d.importRegion = region;
            d.artifacts.put(region, id);
        });
    }

    public ImageMetadata withSigned(String when, String signatureName, String who) {
        return with(d -> {
            d.signed = when;
            d.updated = when;
            d.signature = signatureName;
            d.signedBy = who;
        });
    }

    /** Published everywhere at {@code when}; or, with {@code when} null, only some regions so far (at {@code now}). */
    public ImageMetadata withPublished(String when, Map<String, String> regions, String now) {
        return with(d -> {
            d.published = when;
            d.updated = now;
            d.artifacts.putAll(regions);
        });
    }

    public ImageMetadata withReleased(String when) {
        return with(d -> {
            d.released = when;
            d.updated = when;
        });
    }

    /** The regions' images were deleted (prune) at {@code now}; the rest of the record stands. */
    public ImageMetadata withoutRegions(java.util.Set<String> regions, String now) {
        return with(d -> {
            d.updated = now;
            d.artifacts.keySet().removeAll(regions);
        });
    }

    /** A copy with what {@code change} sets on a draft of this one; this one stays as it is. */
    private ImageMetadata with(Consumer<Draft> change) {
        Draft draft = new Draft(this);
        change.accept(draft);
        return draft.build();
    }

    /**
     * The components as fields, for a step to set the few it changes: the one place besides
     * {@link #parse} that names all of them, so a new component is added here and there only.
     */
    private static final class Draft {
        Map<String, String> identity = Map.of();
        int revision;
        String built;
        String uploaded;
        String imported;
        String signed;
        String published;
        String released;
        String updated;
        String importId;
        String importRegion;
        Map<String, String> artifacts = new TreeMap<>();
        String variant;
        String buildName;
        String inputHash;
        String file;
        String format;
        long size;
        String sha256;
        String sha512;
        String signature;
        String signedBy;
        Map<String, Object> sbom = Map.of();
        Map<String, Object> provenance = Map.of();

        Draft() {
        }

        Draft(ImageMetadata from) {
            identity = from.identity;
            revision = from.revision;
            built = from.built;
            uploaded = from.uploaded;
            imported = from.imported;
            signed = from.signed;
            published = from.published;
            released = from.released;
            updated = from.updated;
            importId = from.importId;
            importRegion = from.importRegion;
            artifacts = new TreeMap<>(from.artifacts);
            variant = from.variant;
            buildName = from.buildName;
            inputHash = from.inputHash;
            file = from.file;
            format = from.format;
            size = from.size;
            sha256 = from.sha256;
            sha512 = from.sha512;
            signature = from.signature;
            signedBy = from.signedBy;
            sbom = from.sbom;
            provenance = from.provenance;
        }

        ImageMetadata build() {
            return new ImageMetadata(identity, revision, built, uploaded, imported, signed, published, released,
                    updated, importId, importRegion, artifacts, variant, buildName, inputHash, file, format, size,
                    sha256, sha512, signature, signedBy, sbom, provenance);
        }
    }

    /** The YAML the store holds: the reference's keys first, then ours; absent times left out. */
    public byte[] toYaml() {
        Map<String, Object> map = new LinkedHashMap<>();
        for (String key : IDENTITY_KEYS) {
            if (identity.containsKey(key)) {
                map.put(key, identity.get(key));
            }
        }
        map.put("revision", revision);
        put(map, "built", built);
        put(map, "uploaded", uploaded);
        put(map, "imported", imported);
        put(map, "import_id", importId);
        put(map, "import_region", importRegion);
        put(map, "signed", signed);
        put(map, "published", published);
        put(map, "released", released);
        map.put("artifacts", artifacts);
        put(map, "updated", updated);
        put(map, "variant", variant);
        put(map, "build_name", buildName);
        put(map, "input_hash", inputHash);
        put(map, "file", file);
        put(map, "format", format);
        map.put("size", size);
        put(map, "sha256", sha256);
        put(map, "sha512", sha512);
        put(map, "signature", signature);
        put(map, "signed_by", signedBy);
        if (!sbom.isEmpty()) {
            map.put("sbom", sbom);
        }
        if (!provenance.isEmpty()) {
            map.put("provenance", provenance);
        }
        try {
            return ConfigsYaml.mapper().writeValueAsString(map).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("metadata does not serialise", e);
        }
    }

    /** Reads what {@link #toYaml} wrote; a document that is not that throws with the reason. */
    public static ImageMetadata parse(byte[] yaml) {
        JsonNode node;
        try {
            node = ConfigsYaml.mapper().readTree(yaml);
        } catch (IOException e) {
            throw new IllegalArgumentException("not YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("not a mapping");
        }
        Map<String, String> identity = new LinkedHashMap<>();
        for (String key : IDENTITY_KEYS) {
            String value = text(node, key);
            if (value != null) {
                identity.put(key, value);
            }
        }
        if (!identity.containsKey("name")) {
            throw new IllegalArgumentException("no name");
        }
        JsonNode revision = node.get("revision");
        if (revision == null || !revision.canConvertToInt() || revision.asInt(-1) < 0) {
            throw new IllegalArgumentException("revision is missing or not a number");
        }
        Map<String, String> artifacts = new TreeMap<>();
        JsonNode regions = node.get("artifacts");
        if (regions != null && !regions.isNull()) {
            if (!regions.isObject()) {
                throw new IllegalArgumentException("artifacts is not a mapping of region to image id");
            }
            regions.fields().forEachRemaining(e -> artifacts.put(e.getKey(), e.getValue().asText()));
        }
        JsonNode size = node.get("size");
        return new ImageMetadata(identity, revision.asInt(), text(node, "built"), text(node, "uploaded"),
                text(node, "imported"), text(node, "signed"), text(node, "published"), text(node, "released"),
                text(node, "updated"), text(node, "import_id"), text(node, "import_region"), artifacts,
                text(node, "variant"), text(node, "build_name"), text(node, "input_hash"), text(node, "file"),
                text(node, "format"), size == null ? 0 : size.asLong(), text(node, "sha256"), text(node, "sha512"),
                text(node, "signature"), text(node, "signed_by"), mapping(node, "sbom"), mapping(node, "provenance"));
    }

    /**
     * A block copied from image.yaml, as it stands there; absent (older metadata) or not a mapping
     * (edited by hand) gives an empty one rather than failing: no step decides anything by it.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> mapping(JsonNode node, String key) {
        JsonNode value = node.get(key);
        if (value == null || !value.isObject()) {
            return Map.of();
        }
        return ConfigsYaml.mapper().convertValue(value, LinkedHashMap.class);
    }

    private static void put(Map<String, Object> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    private static String text(JsonNode node, String key) {
        JsonNode value = node.get(key);
        return value == null || value.isNull() || value.asText().isEmpty() ? null : value.asText();
    }
}
