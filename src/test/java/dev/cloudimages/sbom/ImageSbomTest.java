package dev.cloudimages.sbom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cloudimages.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SBOM made from a realistic apk database (fixtures/sbom/installed: file lines, deps, odd licenses). */
class ImageSbomTest {

    private static final ImageSbom.Image IMAGE = new ImageSbom.Image("alpine-3.24.1-x86_64-uefi-tiny-r0", "3.24.1",
            "x86_64", "2026-11-18T11:06:40Z", "build-0.1.0");

    private static String fixture() throws IOException {
        return Files.readString(Fixtures.projectRoot().resolve("src/test/resources/fixtures/sbom/installed"));
    }

    @Test
    void readsEveryPackageAndOnlyItsOwnFields() throws IOException {
        List<ApkPackage> packages = ApkPackage.parseDatabase(fixture());
        assertEquals(List.of("alpine-baselayout-data", "busybox", "ca-certificates-bundle", "linux-virt", "lsof", "musl",
                "oldstyle-license", "openssh-server", "tiny-cloud-aws", "tzdata", "zlib"),
                packages.stream().map(ApkPackage::name).toList(), "sorted by name, file lines are no packages");
        ApkPackage ssh = packages.get(7);
        assertEquals(new ApkPackage("openssh-server", "9.9_p2-r0", "x86_64", "SSH-OpenSSH", "openssh",
                "2a4f8b1c9d0e3f5a6b7c8d9e0f1a2b3c4d5e6f70", "OpenSSH server", "https://www.openssh.com/portable.html"), ssh);
        assertEquals("pkg:apk/alpine/openssh-server@9.9_p2-r0?arch=x86_64&distro=alpine-3.24.1", ssh.purl("3.24.1"));
    }

    @Test
    void spdxDocumentIsWholeAndConsistent() throws IOException {
        JsonNode doc = new ObjectMapper().readTree(new ImageSbom(IMAGE, ApkPackage.parseDatabase(fixture())).spdxJson());
        assertEquals("SPDX-2.3", doc.get("spdxVersion").asText());
        assertEquals("CC0-1.0", doc.get("dataLicense").asText());
        assertEquals("SPDXRef-DOCUMENT", doc.get("SPDXID").asText());
        assertTrue(doc.get("documentNamespace").asText().startsWith("https://spdx.org/spdxdocs/" + IMAGE.name() + "-"));
        assertEquals("2026-11-18T11:06:40Z", doc.at("/creationInfo/created").asText());
        assertEquals("Tool: build-0.1.0", doc.at("/creationInfo/creators/0").asText());

        JsonNode packages = doc.get("packages");
        assertEquals(12, packages.size(), "the image and its 11 packages");
        Set<String> ids = new HashSet<>();
        for (JsonNode p : packages) {
            for (String field : List.of("name", "SPDXID", "downloadLocation", "licenseConcluded", "licenseDeclared",
                    "copyrightText")) {
                assertTrue(p.hasNonNull(field), p.get("name") + " lacks " + field);
            }
            assertTrue(ids.add(p.get("SPDXID").asText()), "SPDXIDs are unique");
            assertTrue(p.get("SPDXID").asText().matches("SPDXRef-[A-Za-z0-9.-]+"), p.get("SPDXID").asText());
        }
        JsonNode relationships = doc.get("relationships");
        assertEquals(12, relationships.size(), "DESCRIBES the image, which CONTAINS each package");
        for (JsonNode r : relationships) {
            assertTrue(r.get("spdxElementId").asText().equals("SPDXRef-DOCUMENT") || ids.contains(r.get("spdxElementId").asText()));
            assertTrue(ids.contains(r.get("relatedSpdxElement").asText()), r.toString());
        }

        assertEquals("GPL-2.0-only WITH Linux-syscall-note", find(packages, "linux-virt").get("licenseDeclared").asText());
        assertEquals("MPL-2.0 AND MIT", find(packages, "ca-certificates-bundle").get("licenseDeclared").asText());
        assertEquals("LicenseRef-apk-Public-Domain", find(packages, "tzdata").get("licenseDeclared").asText());
        assertEquals("LicenseRef-apk-custom", find(packages, "lsof").get("licenseDeclared").asText());
        JsonNode oldstyle = find(packages, "oldstyle-license");
        assertEquals("NOASSERTION", oldstyle.get("licenseDeclared").asText(), "no operator: not an expression");
        assertEquals("apk license field: MIT BSD", oldstyle.get("licenseComments").asText());
        assertFalse(oldstyle.has("homepage"), "an ftp:// URL is no homepage");
        // every LicenseRef used is described, as SPDX requires
        List<String> refs = new ArrayList<>();
        doc.get("hasExtractedLicensingInfos").forEach(e -> refs.add(e.get("licenseId").asText()));
        assertEquals(List.of("LicenseRef-apk-Public-Domain", "LicenseRef-apk-custom"), refs);

        JsonNode busybox = find(packages, "busybox");
        assertEquals("1.37.0-r12", busybox.get("versionInfo").asText());
        assertEquals("built from aports package busybox at aports commit 0ea7d4f7f8a9b1c2d3e4f5a6b7c8d9e0f1a2b3c4",
                busybox.get("sourceInfo").asText());
        assertEquals("pkg:apk/alpine/busybox@1.37.0-r12?arch=x86_64&distro=alpine-3.24.1",
                busybox.at("/externalRefs/0/referenceLocator").asText());
    }

    @Test
    void sameDatabaseSameBytesWhateverTheInstallOrder() throws IOException {
        String text = fixture();
        List<String> blocks = new ArrayList<>(List.of(text.split("\n\n")));
        Collections.reverse(blocks);
        ImageSbom one = new ImageSbom(IMAGE, ApkPackage.parseDatabase(text));
        ImageSbom other = new ImageSbom(IMAGE, ApkPackage.parseDatabase(String.join("\n\n", blocks)));
        assertEquals(one.spdxJson(), other.spdxJson());
        assertEquals(one.packageList(), other.packageList());
        assertTrue(one.packageList().contains("\nopenssh-server\t9.9_p2-r0\tx86_64\tSSH-OpenSSH\topenssh\t"
                + "2a4f8b1c9d0e3f5a6b7c8d9e0f1a2b3c4d5e6f70\n"), one.packageList());
        assertEquals(12, one.packageList().lines().count(), "a header and a line per package");
    }

    @Test
    void aBlockWithoutNameOrVersionIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ApkPackage.parseDatabase("P:musl\nV:1.2.5-r10\n\nV:1.0\nA:x86_64\n"));
        assertEquals("the package at line 4 has no P: (name or version)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ApkPackage.parseDatabase("this is not apk's database\n"));
    }

    private static JsonNode find(JsonNode packages, String name) {
        for (JsonNode p : packages) {
            if (p.get("name").asText().equals(name)) {
                return p;
            }
        }
        throw new AssertionError("no package " + name);
    }
}
