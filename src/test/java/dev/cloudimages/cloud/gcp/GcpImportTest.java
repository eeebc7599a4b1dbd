package dev.cloudimages.cloud.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cloudimages.cloud.RemoteImage;
import dev.cloudimages.support.BuildException;
import dev.cloudimages.testing.gcp.FakeGcp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Importing a tar.gz through the real Google clients against the fake GCP. */
class GcpImportTest {

    @TempDir
    Path dir;
    private GcpFixture fixture;

    @BeforeEach
    void start() {
        fixture = new GcpFixture(dir);
    }

    @AfterEach
    void stop() {
        fixture.close();
        assertTrue(fixture.gcp.requests().stream().noneMatch(r -> r.path().contains("computeMetadata")));
    }

    @Test
    void importUploadsCreatesTheImageWithFeaturesArchitectureAndLabelsThenRemovesTheObject() throws Exception {
        RemoteImage image = fixture.adapter().importImage(
                fixture.job(GcpFixture.identity(0, "uefi", "x86_64"), GcpFixture.settings(Map.of())),
                fixture.context());

        assertEquals(GcpFixture.IMAGE, image.id());
        assertEquals("global", image.region());
        assertTrue(image.imported());
        assertFalse(image.published());
        JsonNode made = fixture.gcp.images().get(GcpFixture.IMAGE);
        assertEquals("READY", made.path("status").asText());
        assertEquals("X86_64", made.path("architecture").asText());
        assertEquals("", made.path("family").asText(""), "an image joins its family when it is released");
        assertEquals("Test image 3.24.1", made.path("description").asText());
        List<String> features = new ArrayList<>();
        made.path("guestOsFeatures").forEach(f -> features.add(f.path("type").asText()));
        assertEquals(List.of("GVNIC", "UEFI_COMPATIBLE", "VIRTIO_SCSI_MULTIQUEUE"), features);
        JsonNode labels = made.path("labels");
        assertEquals("test-3_24_1-x86_64-uefi", labels.path("build_name").asText());
        assertEquals("3_24_1", labels.path("release").asText());
        assertEquals("2028-05-01", labels.path("end_of_life").asText());
        assertEquals("cloudimages-test", labels.path("project").asText());
        assertEquals("2026-11-18t00_00_00z", labels.path("imported").asText());
        assertTrue(labels.path("description").isMissingNode(), "the description is no label");
        labels.fields().forEachRemaining(e -> assertTrue(e.getValue().asText().matches("[a-z0-9_-]{0,63}"),
                e.getKey() + "=" + e.getValue()));
        assertEquals("TAR", made.path("rawDisk").path("containerType").asText());
        assertEquals("https://storage.googleapis.com/" + FakeGcp.BUCKET + "/" + GcpFixture.IMAGE + ".tar.gz",
                made.path("rawDisk").path("source").asText());
        assertEquals(List.of(), fixture.gcp.objects(), "the uploaded object is removed");

        // released: images.patch puts it in its family, and a second release changes nothing
        dev.cloudimages.cloud.ReleaseJob release = new dev.cloudimages.cloud.ReleaseJob(
                GcpFixture.identity(0, "uefi", "x86_64"), Map.of("global", GcpFixture.IMAGE), GcpFixture.settings(Map.of()));
        assertEquals(List.of("global: family test-3-24-x86-64 -> " + GcpFixture.IMAGE),
                fixture.adapter().moveLatest(release, fixture.context()));
        assertEquals(java.util.Optional.of(GcpFixture.IMAGE), fixture.gcp.imageFromFamily("test-3-24-x86-64"));
        assertEquals(List.of("global: " + GcpFixture.IMAGE + " is in family test-3-24-x86-64 already"),
                fixture.adapter().moveLatest(release, fixture.context()));
        // the checksums went with the upload, so the fake could refuse a corrupt one
        JsonNode sessionStart = fixture.gcp.requests().stream().filter(r -> r.method().equals("POST")
                && r.path().startsWith("/upload/")).map(r -> read(r.body())).findFirst().orElseThrow();
        assertTrue(sessionStart.hasNonNull("crc32c") && sessionStart.hasNonNull("md5Hash"), sessionStart.toString());
        assertTrue(fixture.log().contains("upload to gs://" + FakeGcp.BUCKET), fixture.log());

        RemoteImage latest = fixture.adapter().latestBuildImage("cloudimages-test", GcpFixture.BUILD, GcpFixture.settings(Map.of())).orElseThrow();
        assertEquals(GcpFixture.IMAGE, latest.id());
        assertEquals(0, latest.revision());
        assertEquals("2028-05-01", latest.endOfLife());
        assertTrue(fixture.adapter().latestBuildImage("other-project", GcpFixture.BUILD, GcpFixture.settings(Map.of())).isEmpty());
    }

    @Test
    void theVariantsImportProjectWinsOverTheEnvironments() throws Exception {
        // the fake serves only its own project: the import lands there only if import.project is used
        fixture.env.put("GOOGLE_CLOUD_PROJECT", "some-other-project");
        RemoteImage image = fixture.adapter().importImage(fixture.job(GcpFixture.identity(0, "uefi", "x86_64"),
                GcpFixture.settings(Map.of("import.project", FakeGcp.PROJECT))), fixture.context());

        assertEquals("READY", fixture.gcp.images().get(image.id()).path("status").asText());
        assertTrue(fixture.gcp.requests().stream().noneMatch(r -> r.path().contains("some-other-project")),
                fixture.gcp.requests().toString());
    }

    @Test
    void aLargeImageGoesUpInResumableChunks() throws Exception {
        fixture.adapter().importImage(fixture.job(GcpFixture.identity(0, "uefi", "x86_64"),
                GcpFixture.settings(Map.of()), 40), fixture.context());

        List<FakeGcp.Request> puts = fixture.gcp.requests().stream().filter(r -> r.method().equals("PUT")
                && r.path().startsWith("/upload/")).toList();
        assertEquals(3, puts.size(), "40 MiB in 16 MiB chunks: " + puts);
        assertEquals("READY", fixture.gcp.images().get(GcpFixture.IMAGE).path("status").asText());
        assertEquals(0, fixture.gcp.openUploads());
    }

    @Test
    void biosArmImageIsArm64WithoutUefiFeature() throws Exception {
        fixture.adapter().importImage(fixture.job(GcpFixture.identity(0, "bios", "aarch64"),
                GcpFixture.settings(Map.of("import.guest_os_features", Map.of("GVNIC", true)))), fixture.context());

        JsonNode made = fixture.gcp.images().get("test-3-24-1-aarch64-bios-r0");
        assertEquals("ARM64", made.path("architecture").asText());
        assertEquals("[{\"type\":\"GVNIC\"}]", made.path("guestOsFeatures").toString());
    }

    @Test
    void removeImageDeletesIt() throws Exception {
        GcpAdapter adapter = fixture.adapter();
        RemoteImage image = adapter.importImage(fixture.job(GcpFixture.identity(0, "uefi", "x86_64"),
                GcpFixture.settings(Map.of())), fixture.context());
        adapter.removeImage(image);
        assertEquals(Map.of(), fixture.gcp.images());
    }

    @Test
    void aFailedOperationLeavesNothingBehind() throws Exception {
        fixture.gcp.inject(FakeGcp.Fault.OPERATION_FAILS, "images.insert");
        BuildException e = assertThrows(BuildException.class, this::importOne);
        assertTrue(e.getMessage().startsWith("gcp: creating image " + GcpFixture.IMAGE + " failed"), e.getMessage());
        assertTrue(e.getMessage().contains("IMAGE_IMPORT_FAILED"), e.getMessage());
        assertNothingLeft();
    }

    @Test
    void anInterruptedUploadLeavesNothingBehind() throws Exception {
        fixture.gcp.inject(FakeGcp.Fault.UPLOAD_INTERRUPTED, "upload");
        BuildException e = assertThrows(BuildException.class, this::importOne);
        assertTrue(e.getMessage().startsWith("gcp: uploading"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertNothingLeft();
    }

    @Test
    void quotaExceededSaysSoInOneLineAndLeavesNothing() throws Exception {
        fixture.gcp.inject(FakeGcp.Fault.QUOTA_EXCEEDED, "images.insert");
        BuildException e = assertThrows(BuildException.class, this::importOne);
        assertTrue(e.getMessage().startsWith("gcp: quota exceeded while creating image"), e.getMessage());
        assertTrue(e.getMessage().contains("Quota 'IMAGES' exceeded"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertNothingLeft();
    }

    @Test
    void permissionDeniedSaysSoInOneLineAndLeavesNothing() throws Exception {
        fixture.gcp.inject(FakeGcp.Fault.PERMISSION_DENIED, "images.insert");
        BuildException e = assertThrows(BuildException.class, this::importOne);
        assertTrue(e.getMessage().startsWith("gcp: permission denied while creating image"), e.getMessage());
        assertTrue(e.getMessage().contains("compute.images.create"), e.getMessage());
        assertNothingLeft();
    }

    @Test
    void aNameGcpCannotTakeIsAnErrorBeforeAnyUpload() {
        var identity = GcpFixture.identity(0, "uefi", "x86_64");
        var tooLong = new dev.cloudimages.cloud.ImageIdentity(identity.variantKey(), identity.project(),
                identity.buildName(), 0, "x".repeat(64), identity.description(), identity.endOfLife(),
                identity.arch(), identity.firmware(), identity.tags());
        BuildException e = assertThrows(BuildException.class, () -> fixture.adapter().importImage(
                fixture.job(tooLong, GcpFixture.settings(Map.of())), fixture.context()));
        assertTrue(e.getMessage().contains("is not a GCP name"), e.getMessage());
        assertTrue(fixture.gcp.requests().stream().noneMatch(r -> r.path().startsWith("/upload/")));
    }

    @Test
    void missingCredentialsSayWhatToRun() {
        fixture.env.remove("GOOGLE_APPLICATION_CREDENTIALS");
        BuildException e = assertThrows(BuildException.class, fixture::adapter);
        assertTrue(e.getMessage().contains("gcloud auth application-default login"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    private void importOne() throws Exception {
        fixture.adapter().importImage(fixture.job(GcpFixture.identity(0, "uefi", "x86_64"),
                GcpFixture.settings(Map.of())), fixture.context());
    }

    private void assertNothingLeft() {
        assertEquals(Map.of(), fixture.gcp.images(), "no image is left");
        assertEquals(List.of(), fixture.gcp.objects(), "no object is left");
    }

    private static JsonNode read(String json) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
