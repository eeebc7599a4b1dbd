package dev.cloudimages.release;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The store's metadata: the SBOM and provenance blocks survive every step, and older files still read. */
class ImageMetadataTest {

    private static final String OLD = """
            name: alpine-3.24.1-x86_64-bios-tiny-r0
            project: alpine-cloud-images
            revision: 0
            built: "2026-11-23T00:00:00Z"
            uploaded: "2026-11-23T00:01:00Z"
            artifacts: {}
            variant: 3.24-x86_64-bios-tiny-aws
            build_name: alpine-3.24.1-x86_64-bios-tiny
            input_hash: sha256:abc
            file: alpine-3.24.1-x86_64-bios-tiny-r0.vhd
            format: vhd
            size: 1024
            sha512: "00"
            """;

    @Test
    void metadataWithoutSbomOrProvenanceStillParses() {
        ImageMetadata old = ImageMetadata.parse(OLD.getBytes(StandardCharsets.UTF_8));
        assertEquals(Map.of(), old.sbom());
        assertEquals(Map.of(), old.provenance());
        String again = new String(old.withSigned("2026-11-23T00:02:00Z", "x.asc", "ABCD").toYaml(),
                StandardCharsets.UTF_8);
        assertFalse(again.contains("sbom") || again.contains("provenance"), again);
        // a block that is not a mapping (edited by hand) is left out, not an error: no step reads it
        ImageMetadata odd = ImageMetadata.parse((OLD + "sbom: [ 1, 2 ]\nprovenance: text\n")
                .getBytes(StandardCharsets.UTF_8));
        assertEquals(Map.of(), odd.sbom());
        assertEquals(Map.of(), odd.provenance());
    }

    @Test
    void sbomAndProvenanceRoundTripAndStayThroughLaterSteps() {
        Map<String, Object> sbom = new LinkedHashMap<>();
        sbom.put("spdx", "image.spdx.json");
        sbom.put("spdx_sha256", "3f0c");
        sbom.put("packages", "image.packages.tsv");
        sbom.put("packages_sha256", "9a41");
        sbom.put("package_count", 61);
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("tool", "build 0.1.0");
        provenance.put("kernel", "6.12.13-0-virt");
        provenance.put("repositories", List.of(Map.of("url", "https://dl-cdn.alpinelinux.org/alpine/v3.24/main",
                "index_signed_by", List.of("alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub"))));
        provenance.put("source_date_epoch", 1795000000L);
        ImageMetadata old = ImageMetadata.parse(OLD.getBytes(StandardCharsets.UTF_8));
        ImageMetadata stored = new ImageMetadata(old.identity(), 0, old.built(), old.uploaded(), null, null, null,
                null, null, null, null, Map.of(), old.variant(), old.buildName(), old.inputHash(), old.file(),
                old.format(), old.size(), old.sha256(), old.sha512(), null, null, sbom, provenance);

        ImageMetadata later = ImageMetadata.parse(stored.toYaml()).withImported("2026-11-23T00:03:00Z", "ami-1",
                "us-east-1").withSigned("2026-11-23T00:04:00Z", "x.asc", "ABCD")
                .withPublished("2026-11-23T00:05:00Z", Map.of("us-west-2", "ami-2"), "2026-11-23T00:05:00Z")
                .withReleased("2026-11-23T00:06:00Z");
        ImageMetadata read = ImageMetadata.parse(later.toYaml());
        assertEquals("image.spdx.json", read.sbom().get("spdx"));
        assertEquals(61, ((Number) read.sbom().get("package_count")).intValue());
        assertEquals("6.12.13-0-virt", read.provenance().get("kernel"));
        assertEquals(1795000000L, ((Number) read.provenance().get("source_date_epoch")).longValue());
        assertEquals(provenance.get("repositories"), read.provenance().get("repositories"));
        String yaml = new String(later.toYaml(), StandardCharsets.UTF_8);
        assertTrue(yaml.indexOf("signed_by:") < yaml.indexOf("sbom:") && yaml.indexOf("sbom:") < yaml.indexOf("provenance:"),
                "after the fields of before: " + yaml);
    }

    @Test
    void eachStepSetsItsOwnFieldsAndUpdatedAndKeepsTheRest() {
        Map<String, String> identity = Map.of("name", "alpine-r0");
        Map<String, Object> sbom = Map.of("spdx", "image.spdx.json");
        Map<String, Object> provenance = Map.of("tool", "build 0.1.0");
        ImageMetadata uploaded = ImageMetadata.unrecorded(identity, 2, "v", "b", "sha256:in")
                .withImageFile("T0", "f.qcow2", "qcow2", 7, "s256", "s512", sbom, provenance).withUploaded("T1");
        assertEquals(new ImageMetadata(identity, 2, "T0", "T1", null, null, null, null, "T1", null, null, Map.of(),
                "v", "b", "sha256:in", "f.qcow2", "qcow2", 7, "s256", "s512", null, null, sbom, provenance), uploaded);

        ImageMetadata imported = uploaded.withImported("T2", "ami-1", "us-east-1");
        assertEquals(new ImageMetadata(identity, 2, "T0", "T1", "T2", null, null, null, "T2", "ami-1", "us-east-1",
                Map.of("us-east-1", "ami-1"), "v", "b", "sha256:in", "f.qcow2", "qcow2", 7, "s256", "s512", null, null,
                sbom, provenance), imported);

        ImageMetadata signed = imported.withSigned("T3", "f.qcow2.asc", "ABCD");
        assertEquals(new ImageMetadata(identity, 2, "T0", "T1", "T2", "T3", null, null, "T3", "ami-1", "us-east-1",
                Map.of("us-east-1", "ami-1"), "v", "b", "sha256:in", "f.qcow2", "qcow2", 7, "s256", "s512",
                "f.qcow2.asc", "ABCD", sbom, provenance), signed);

        ImageMetadata partly = signed.withPublished(null, Map.of("eu-west-1", "ami-2"), "T4");
        assertEquals(new ImageMetadata(identity, 2, "T0", "T1", "T2", "T3", null, null, "T4", "ami-1", "us-east-1",
                Map.of("us-east-1", "ami-1", "eu-west-1", "ami-2"), "v", "b", "sha256:in", "f.qcow2", "qcow2", 7,
                "s256", "s512", "f.qcow2.asc", "ABCD", sbom, provenance), partly);

        ImageMetadata released = partly.withPublished("T5", Map.of(), "T5").withReleased("T6");
        assertEquals(new ImageMetadata(identity, 2, "T0", "T1", "T2", "T3", "T5", "T6", "T6", "ami-1", "us-east-1",
                Map.of("us-east-1", "ami-1", "eu-west-1", "ami-2"), "v", "b", "sha256:in", "f.qcow2", "qcow2", 7,
                "s256", "s512", "f.qcow2.asc", "ABCD", sbom, provenance), released);

        ImageMetadata pruned = released.withoutRegions(java.util.Set.of("us-east-1"), "T7");
        assertEquals(new ImageMetadata(identity, 2, "T0", "T1", "T2", "T3", "T5", "T6", "T7", "ami-1", "us-east-1",
                Map.of("eu-west-1", "ami-2"), "v", "b", "sha256:in", "f.qcow2", "qcow2", 7, "s256", "s512",
                "f.qcow2.asc", "ABCD", sbom, provenance), pruned);
        assertEquals(Map.of("us-east-1", "ami-1", "eu-west-1", "ami-2"), released.artifacts(), "a step makes a copy");
    }
}
