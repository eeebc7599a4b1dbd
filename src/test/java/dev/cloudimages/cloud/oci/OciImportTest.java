package dev.cloudimages.cloud.oci;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cloudimages.cloud.RemoteImage;
import dev.cloudimages.support.BuildException;
import dev.cloudimages.testing.oci.FakeCompute;
import dev.cloudimages.testing.oci.FakeOci;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OciImportTest {

    @TempDir
    Path dir;

    @Test
    void importUploadsTheQcow2AndMakesAnImageWithSchemaShapesAndTags() throws Exception {
        try (OciFixture f = new OciFixture(dir)) {
            Path disk = f.disk();
            RemoteImage image = f.adapter().importImage(f.job(disk, 0, "uefi", OciFixture.settings(Map.of())), f.context());

            List<FakeCompute.Image> images = f.oci.images(OciFixture.HOME);
            assertEquals(1, images.size());
            FakeCompute.Image made = images.get(0);
            assertEquals(image.id(), made.id);
            assertEquals("AVAILABLE", made.lifecycle);
            assertEquals(sha256(Files.readAllBytes(disk)), made.sha256(), "the image holds the uploaded bytes");
            assertEquals("PARAVIRTUALIZED", made.launchMode);
            assertEquals("QCOW2", made.source.get("sourceImageType").asText());
            assertEquals("objectStorageTuple", made.source.get("sourceType").asText());
            assertEquals(OciFixture.BUILD, made.tags.get("build_name"));
            assertEquals("0", made.tags.get("build_revision"));
            assertEquals("cloudimages-test", made.tags.get("project"));
            assertEquals("2026-11-18T00:00:00Z", made.tags.get("imported"));
            assertTrue(made.shapes.containsAll(List.of("VM.Standard.E6.Flex", "VM.Standard.E2.1.Micro")), made.shapes.toString());
            assertTrue(made.shapes.contains("VM.Standard.E4.Flex"), "OCI's x86 defaults stay for x86_64: " + made.shapes);
            assertEquals("Alpine Linux", made.operatingSystem);
            JsonNode schema = f.oci.schemas().get(made.id);
            assertEquals("UEFI_64", schema.get("Compute.Firmware").get("values").get(0).asText());
            assertEquals("PARAVIRTUALIZED", schema.get("Compute.LaunchMode").get("defaultValue").asText());
            assertEquals("PARAVIRTUALIZED", schema.get("Storage.BootVolumeType").get("defaultValue").asText());
            assertTrue(f.oci.requests().stream().filter(r -> r.method().equals("PUT") && r.path().contains("/u/")).count() > 1,
                    "several parts");
            assertTrue(f.oci.objects(OciFixture.HOME).isEmpty(), "the uploaded object is removed");
            assertEquals(0, f.oci.openUploads());
            assertTrue(f.oci.pars().isEmpty());
            assertTrue(f.log().contains("uploading image.qcow2"), f.log());

            // the plan finds it by its tags, in one ListImages page: only images of its operating system, no
            // platform images (over a hundred of them, more than a page)
            int before = f.oci.requests().size();
            RemoteImage found = f.adapter().latestBuildImage("cloudimages-test", OciFixture.BUILD,
                    OciFixture.settings(Map.of())).orElseThrow();
            assertEquals(image.id(), found.id());
            assertTrue(found.imported());
            List<FakeOci.Request> lists = f.oci.requests().subList(before, f.oci.requests().size()).stream()
                    .filter(r -> r.method().equals("GET") && r.path().endsWith("/images")).toList();
            assertEquals(1, lists.size(), lists.toString());
            assertEquals("Alpine Linux", lists.get(0).query().get("operatingSystem"));
        }
    }

    @Test
    void biosImagesSayBiosAndAParImportsThroughAUrl() throws Exception {
        try (OciFixture f = new OciFixture(dir)) {
            f.adapter().importImage(f.job(f.disk(), 0, "bios", OciFixture.settings(Map.of("import.use_par", "true",
                    "import.launch_mode", "emulated"))), f.context());
            FakeCompute.Image made = f.oci.images(OciFixture.HOME).get(0);
            assertEquals("objectStorageUri", made.source.get("sourceType").asText());
            assertTrue(made.source.get("sourceUri").asText().contains("/p/"));
            assertEquals("EMULATED", made.launchMode);
            assertEquals("BIOS", f.oci.schemas().get(made.id).get("Compute.Firmware").get("defaultValue").asText());
            assertTrue(f.oci.pars().isEmpty(), "the import PAR is deleted");
            assertTrue(f.oci.objects(OciFixture.HOME).isEmpty());
        }
    }

    @Test
    void aFailedWorkRequestLeavesNothing() throws Exception {
        try (OciFixture f = new OciFixture(dir)) {
            f.oci.failNextWorkRequest("the image could not be converted");
            BuildException e = assertThrows(BuildException.class, () -> f.adapter().importImage(
                    f.job(f.disk(), 0, "uefi", OciFixture.settings(Map.of())), f.context()));
            assertTrue(e.getMessage().contains("the image could not be converted"), e.getMessage());
            assertNothingLeft(f);
        }
    }

    @Test
    void aFailingPartLeavesNothing() throws Exception {
        try (OciFixture f = new OciFixture(dir)) {
            f.oci.failPart(2);
            BuildException e = assertThrows(BuildException.class, () -> f.adapter().importImage(
                    f.job(f.disk(), 0, "uefi", OciFixture.settings(Map.of())), f.context()));
            assertTrue(e.getMessage().contains("uploading"), e.getMessage());
            assertNothingLeft(f);
            assertEquals(0, f.oci.openUploads(), "the multipart upload is aborted");
        }
    }

    /** What Ctrl-C does: the shutdown hook undoes every open rollback while the import is waiting. */
    @Test
    void anInterruptWhileTheImageIsMadeLeavesNothing() throws Exception {
        try (OciFixture f = new OciFixture(dir)) {
            f.oci.workRequestPolls(1_000_000);
            Path disk = f.disk();
            OciAdapter adapter = f.adapter();
            java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
            Thread importing = new Thread(() -> {
                try {
                    adapter.importImage(f.job(disk, 0, "uefi", OciFixture.settings(Map.of())), f.context());
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            importing.start();
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (f.oci.images(OciFixture.HOME).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(1, f.oci.images(OciFixture.HOME).size(), "the image is being made");
            dev.cloudimages.cloud.Rollback.undoAll();
            importing.interrupt();
            importing.join(60_000);
            assertTrue(failure.get() instanceof BuildException, String.valueOf(failure.get()));
            assertNothingLeft(f);
            assertTrue(f.log().contains("removed image"), f.log());
        }
    }

    @Test
    void quotaAndPermissionAreOneLineEach() throws Exception {
        try (OciFixture f = new OciFixture(dir)) {
            f.oci.quotaOnNextCreate();
            BuildException quota = assertThrows(BuildException.class, () -> f.adapter().importImage(
                    f.job(f.disk(), 0, "uefi", OciFixture.settings(Map.of())), f.context()));
            assertTrue(quota.getMessage().contains("LimitExceeded") && quota.getMessage().contains("request a higher limit"),
                    quota.getMessage());
            assertNothingLeft(f);
            f.oci.deny(OciFixture.HOME);
            BuildException denied = assertThrows(BuildException.class, () -> f.adapter().importImage(
                    f.job(f.disk(), 0, "uefi", OciFixture.settings(Map.of())), f.context()));
            assertTrue(denied.getMessage().startsWith("oci: access denied") && !denied.getMessage().contains("\n"),
                    denied.getMessage());
            assertTrue(f.oci.objects(OciFixture.HOME).isEmpty());
        }
    }

    @Test
    void badOrMissingCredentialsAreOneLine() throws Exception {
        try (OciFixture f = new OciFixture(dir)) {
            f.env.put("OCI_CONFIG_FILE", dir.resolve("missing").toString());
            BuildException missing = assertThrows(BuildException.class, f::adapter);
            assertTrue(missing.getMessage().contains("'oci setup config'") && missing.getMessage().contains("DEFAULT"),
                    missing.getMessage());
            f.env.putAll(f.oci.env(dir, OciFixture.HOME));
            f.env.put("OCI_CLI_PROFILE", "nope");
            BuildException profile = assertThrows(BuildException.class, f::adapter);
            assertTrue(profile.getMessage().contains("'nope'"), profile.getMessage());
            f.env.remove("OCI_CLI_PROFILE");
            f.oci.acceptKeyId("another/key/id");
            BuildException wrong = assertThrows(BuildException.class, () -> f.adapter().importImage(
                    f.job(f.disk(), 0, "uefi", OciFixture.settings(Map.of())), f.context()));
            assertTrue(wrong.getMessage().startsWith("oci: not authenticated") && wrong.getMessage().contains("oci setup config"),
                    wrong.getMessage());
        }
    }

    @Test
    void anRsaKeyInTheTraditionalFormatOciSetupConfigWritesSigns() throws Exception {
        try (OciFixture f = new OciFixture(dir)) {
            Path key = dir.resolve("oci_api_key.pem");
            Process openssl = new ProcessBuilder("openssl", "genrsa", "-traditional", "-out", key.toString(), "2048")
                    .redirectErrorStream(true).start();
            assertEquals(0, openssl.waitFor());
            assertTrue(Files.readString(key).startsWith("-----BEGIN RSA PRIVATE KEY-----"));
            f.adapter().importImage(f.job(f.disk(), 0, "uefi", OciFixture.settings(Map.of())), f.context());
            assertEquals(1, f.oci.images(OciFixture.HOME).size());
        }
    }

    @Test
    void aSessionTokenSignsAndImportsThroughAPar() throws Exception {
        try (OciFixture f = new OciFixture(dir)) {
            String token = jwt(java.time.Instant.now().plusSeconds(3600));
            Path tokenFile = dir.resolve("token");
            Files.writeString(tokenFile, token);
            Path config = Path.of(f.env.get("OCI_CONFIG_FILE"));
            Files.writeString(config, Files.readString(config).replaceAll("(?m)^(user|fingerprint)=.*\n", "")
                    + "security_token_file=" + tokenFile + "\n");
            f.oci.acceptKeyId("ST$" + token);
            f.adapter().importImage(f.job(f.disk(), 0, "uefi", OciFixture.settings(Map.of())), f.context());
            FakeCompute.Image made = f.oci.images(OciFixture.HOME).get(0);
            assertEquals("objectStorageUri", made.source.get("sourceType").asText(), "use_par auto: a PAR for tokens");
            assertTrue(f.oci.pars().isEmpty());

            Files.writeString(tokenFile, jwt(java.time.Instant.now().minusSeconds(60)));
            BuildException expired = assertThrows(BuildException.class, f::adapter);
            assertTrue(expired.getMessage().contains("session token") && expired.getMessage().contains("expired")
                    && expired.getMessage().contains("oci session authenticate --profile-name DEFAULT"), expired.getMessage());
        }
    }

    private static String jwt(java.time.Instant expires) {
        java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"RS256\"}".getBytes()) + "."
                + b64.encodeToString(("{\"sub\":\"ocid1.user.oc1..fed\",\"exp\":" + expires.getEpochSecond() + "}").getBytes())
                + "." + b64.encodeToString("signature".getBytes());
    }

    @Test
    void aBadSettingFailsBeforeAnyRequest() throws Exception {
        try (OciFixture f = new OciFixture(dir)) {
            BuildException e = assertThrows(BuildException.class, () -> f.adapter().importImage(
                    f.job(f.disk(), 0, "uefi", OciFixture.settings(Map.of("import.launch_mode", "fast"))), f.context()));
            assertTrue(e.getMessage().contains("import.launch_mode is 'fast'"), e.getMessage());
            assertTrue(f.oci.requests().isEmpty());
        }
    }

    @Test
    void aThrottledWorkRequestPollIsTriedAgainAfterABackoff() throws Exception {
        try (OciFixture f = new OciFixture(dir)) {
            f.oci.throttleWorkRequestPolls(1);
            f.adapter().importImage(f.job(f.disk(), 0, "uefi", OciFixture.settings(Map.of())), f.context());
            assertEquals("AVAILABLE", f.oci.images(OciFixture.HOME).get(0).lifecycle);
            assertTrue(f.oci.requests().stream().filter(r -> r.path().contains("/workRequests/")).count() > 1);
        }
    }

    @Test
    void nativeLaunchModeIsRefusedBeforeAnyRequest() throws Exception {
        try (OciFixture f = new OciFixture(dir)) {
            BuildException e = assertThrows(BuildException.class, () -> f.adapter().importImage(
                    f.job(f.disk(), 0, "uefi", OciFixture.settings(Map.of("import.launch_mode", "native"))), f.context()));
            assertTrue(e.getMessage().startsWith("variant " + OciFixture.KEY + ": import.launch_mode is 'native'")
                    && e.getMessage().contains("iSCSI") && !e.getMessage().contains("\n"), e.getMessage());
            assertTrue(f.oci.requests().isEmpty());
        }
    }

    @Test
    void anArmImageIsForTheAmpereShapesOnly() throws Exception {
        try (OciFixture f = new OciFixture(dir)) {
            Path disk = f.disk();
            f.adapter().importImage(new dev.cloudimages.cloud.ImportJob(OciFixture.arm(0), disk, "qcow2",
                    Files.size(disk), "", armSettings(), dir.resolve("scratch")), f.context());
            FakeCompute.Image made = f.oci.images(OciFixture.HOME).get(0);
            assertEquals(List.of("VM.Standard.A1.Flex", "VM.Standard.A2.Flex", "VM.Standard.A4.Flex"),
                    made.shapes.stream().sorted().toList(), "OCI's x86 defaults are removed");
            assertEquals("UEFI_64", f.oci.schemas().get(made.id).get("Compute.Firmware").get("defaultValue").asText());
        }
    }

    private static dev.cloudimages.cloud.CloudSettings armSettings() {
        Map<String, Object> config = new java.util.LinkedHashMap<>(OciFixture.settings(Map.of()).config());
        config.put("import", new java.util.LinkedHashMap<>(Map.of("compartment", FakeOci.COMPARTMENT,
                "bucket", FakeOci.BUCKET, "part_size_mib", "1")));
        return new dev.cloudimages.cloud.CloudSettings(OciFixture.KEY, "oci", config);
    }

    @Test
    void anUnknownShapeIsRefusedByOciAndLeavesNothing() throws Exception {
        try (OciFixture f = new OciFixture(dir)) {
            BuildException e = assertThrows(BuildException.class, () -> f.adapter().importImage(f.job(f.disk(), 0,
                    "uefi", OciFixture.settings(Map.of("import.shapes", Map.of("VM.Standard.Z9.Flex", true)))), f.context()));
            assertTrue(e.getMessage().contains("InvalidParameter") && e.getMessage().contains("VM.Standard.Z9.Flex"),
                    e.getMessage());
            assertNothingLeft(f);
        }
    }

    static void assertNothingLeft(OciFixture f) {
        for (String region : FakeOci.REGIONS) {
            assertTrue(f.oci.images(region).isEmpty(), "no image in " + region);
            assertTrue(f.oci.objects(region).isEmpty(), "no object in " + region);
        }
        assertTrue(f.oci.pars().isEmpty(), "no PAR");
        assertTrue(f.oci.schemas().isEmpty(), "no capability schema");
    }

    static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
