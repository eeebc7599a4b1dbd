package dev.cloudimages.cloud.aws;

import dev.cloudimages.cloud.RemoteImage;
import dev.cloudimages.support.BuildException;
import dev.cloudimages.testing.Tools;
import dev.cloudimages.testing.aws.Image;
import dev.cloudimages.testing.aws.ImportFailure;
import dev.cloudimages.testing.aws.Snapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Import by each method through the real SDK into the fake AWS, and each way it can fail: nothing left behind. */
class AwsImportTest {

    private static final String REGION = "us-east-1";
    /** A prefix the fake vmimport role's policy allows: a temporary bucket is made under it. */
    private static final String TEMPORARY = "cloudimages-test-import-*";

    @TempDir
    Path dir;
    private AwsFixture fixture;

    @BeforeAll
    static void tools() {
        Tools.require("qemu-img");
    }

    @BeforeEach
    void start() {
        fixture = new AwsFixture(dir);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void ebsDirectWritesOnlyTheDataBlocksAndRegistersTheAmi() throws Exception {
        Path image = fixture.disk("qcow2");
        RemoteImage imported = fixture.adapter().importImage(
                fixture.job(image, "qcow2", AwsFixture.settings(Map.of())), fixture.context());

        assertTrue(imported.imported());
        assertFalse(imported.published());
        assertEquals(REGION, imported.region());
        List<Snapshot> snapshots = fixture.aws.snapshots(REGION);
        assertEquals(1, snapshots.size());
        Snapshot snapshot = snapshots.get(0);
        assertEquals("completed", snapshot.state());
        assertEquals(1, snapshot.volumeSize(), "64 MiB rounds up to 1 GiB");
        assertEquals("ebs-direct", snapshot.origin());
        // data at 0 (3 MiB = 6 blocks), 10 MiB (2 blocks), 40 MiB + 4 KiB (3 blocks), the last 1000 bytes (1 block)
        assertEquals(12, fixture.aws.blocksReceived(), "all-zero blocks are skipped");
        byte[] content = fixture.aws.snapshotContent(REGION, snapshot.id());
        byte[] raw = fixture.rawContent();
        assertArrayEquals(raw, Arrays.copyOf(content, raw.length), "the snapshot holds the disk's bytes");
        assertTrue(allZero(content, raw.length), "the rest of the volume reads as zeros");
        assertEquals(AwsFixture.BUILD, snapshot.tags().get("build_name"));
        assertEquals("2026-11-18T00:00:00Z", snapshot.tags().get("imported"));

        Image ami = single(fixture.aws.images(REGION));
        assertEquals(imported.id(), ami.id());
        assertEquals("available", ami.state());
        assertEquals(AwsFixture.BUILD + "-r0", ami.name());
        assertEquals("x86_64", ami.architecture());
        assertEquals("uefi", ami.bootMode());
        assertTrue(ami.enaSupport());
        assertEquals("v2.0", ami.imdsSupport());
        assertEquals("hvm", ami.virtualizationType());
        assertEquals("/dev/xvda", ami.rootDeviceName());
        assertEquals("gp3", ami.blockDevices().get(0).volumeType());
        assertEquals(snapshot.id(), ami.blockDevices().get(0).snapshotId());
        Map<String, String> tags = ami.tags();
        for (String key : List.of("arch", "bootstrap", "build_name", "build_revision", "cloud", "description",
                "end_of_life", "firmware", "name", "release", "version", "Name", "imported", "source_id",
                "source_region", "project")) {
            assertTrue(tags.containsKey(key), "tag " + key + " in " + tags);
        }
        assertEquals(ami.id(), tags.get("source_id"));
        assertEquals(REGION, tags.get("source_region"));
        assertFalse(tags.containsKey("published"));
        assertFalse(Files.exists(dir.resolve("scratch")), "the raw conversion is removed");
        assertTrue(fixture.log().contains("snapshot upload:"), fixture.log());
        assertEquals(fixture.adapter().latestBuildImage("cloudimages-test", AwsFixture.BUILD, AwsFixture.settings(Map.of())).orElseThrow().id(),
                ami.id(), "the plan finds it");
    }

    @Test
    void s3ImportUploadsThroughATemporaryBucketAndRemovesIt() throws Exception {
        Path image = fixture.disk("vhd");
        RemoteImage imported = fixture.adapter().importImage(
                fixture.job(image, "vhd", AwsFixture.settings(Map.of("import.method", "s3", "import.bucket", TEMPORARY))), fixture.context());

        assertEquals("available", single(fixture.aws.images(REGION)).state());
        assertEquals(imported.id(), single(fixture.aws.images(REGION)).id());
        assertEquals("completed", single(fixture.aws.importTasks()).status());
        assertEquals("VHD", single(fixture.aws.importTasks()).format().toUpperCase());
        assertTrue(single(fixture.aws.importTasks()).bucket().startsWith("cloudimages-test-import-"));
        assertEquals(Files.size(image), fixture.aws.bytesReceived("s3"));
        assertEquals(Set.of(), fixture.aws.buckets(), "the temporary bucket and its object are gone");
        assertEquals("completed", single(fixture.aws.snapshots(REGION)).state());
    }

    @Test
    void aFailedImportTaskLeavesNothingInS3OrEc2() throws Exception {
        Path image = fixture.disk("qcow2");
        fixture.aws.failImportTask(ImportFailure.DELETED);
        BuildException failure = assertThrows(BuildException.class, () -> fixture.adapter().importImage(
                fixture.job(image, "qcow2", AwsFixture.settings(Map.of("import.method", "s3", "import.bucket", TEMPORARY))), fixture.context()));

        assertTrue(failure.getMessage().contains("the import task ended delet"), failure.getMessage());
        assertEquals(Set.of(), fixture.aws.buckets());
        assertEquals(List.of(), fixture.aws.images(REGION));
        assertEquals(List.of(), fixture.aws.snapshots(REGION));
        assertFalse(Files.exists(dir.resolve("scratch")));
    }

    @Test
    void diskValidationFailureIsTriedOnceMoreWithAFreshUpload() throws Exception {
        Path image = fixture.disk("vhd");
        fixture.aws.failImportTask(ImportFailure.ERROR);
        fixture.adapter().importImage(fixture.job(image, "vhd", AwsFixture.settings(Map.of("import.method", "s3", "import.bucket", TEMPORARY))),
                fixture.context());

        assertEquals(2, fixture.aws.importTasks().size());
        assertEquals(1, fixture.aws.importTasks().stream().filter(t -> t.status().equals("completed")).count());
        assertEquals(2 * Files.size(image), fixture.aws.bytesReceived("s3"), "uploaded twice");
        assertEquals(Set.of(), fixture.aws.buckets());
        assertEquals(1, fixture.aws.images(REGION).size());
    }

    @Test
    void aFailingRegistrationRemovesTheSnapshot() throws Exception {
        Path image = fixture.disk("raw");
        fixture.aws.failRegister("InvalidParameterValue");
        BuildException failure = assertThrows(BuildException.class, () -> fixture.adapter().importImage(
                fixture.job(image, "raw", AwsFixture.settings(Map.of())), fixture.context()));

        assertTrue(failure.getMessage().startsWith("aws: registering " + AwsFixture.BUILD + "-r0 failed"),
                failure.getMessage());
        assertEquals(List.of(), fixture.aws.snapshots(REGION));
        assertEquals(List.of(), fixture.aws.images(REGION));
        assertTrue(fixture.log().contains("removed snapshot snap-"), fixture.log());
    }

    @Test
    void failingBlocksAreRetriedAndThrottlingBacksOff() throws Exception {
        Path image = fixture.disk("raw");
        fixture.aws.failBlock(3);
        fixture.aws.throttle("PutSnapshotBlock", 2);
        fixture.adapter().importImage(fixture.job(image, "raw", AwsFixture.settings(Map.of())), fixture.context());

        Snapshot snapshot = single(fixture.aws.snapshots(REGION));
        assertEquals("completed", snapshot.state());
        byte[] raw = fixture.rawContent();
        assertArrayEquals(raw, Arrays.copyOf(fixture.aws.snapshotContent(REGION, snapshot.id()), raw.length));
    }

    @Test
    void aSnapshotLeftByAKilledImportIsRemovedByTheNextOne() throws Exception {
        Path image = fixture.disk("raw");
        // what a kill -9 mid-upload leaves: a snapshot of this build and revision that no AMI uses
        try (dev.cloudimages.cloud.Rollback forgotten = new dev.cloudimages.cloud.Rollback(fixture.log)) {
            AwsSession session = AwsSession.open(fixture.env);
            new EbsDirectUpload(session, fixture.log).upload(image, 2, new ImportRun(session, fixture.log,
                    AwsFixture.identity(0, "uefi", "x86_64"), new Eventually(session, java.time.Duration.ofSeconds(5)),
                    dev.cloudimages.cloud.ImportJournal.inMemory(), forgotten, new Encryption(false, Map.of()),
                    java.time.Duration.ofMinutes(10), java.time.Duration.ofMillis(20)));
            forgotten.commit();
        }
        String left = single(fixture.aws.snapshots(REGION)).id();

        RemoteImage imported = fixture.adapter().importImage(fixture.job(image, "raw", AwsFixture.settings(Map.of())),
                fixture.context());

        assertTrue(fixture.log().contains("removing snapshot " + left), fixture.log());
        Snapshot kept = single(fixture.aws.snapshots(REGION));
        assertFalse(kept.id().equals(left));
        assertEquals(kept.id(), single(fixture.aws.images(REGION)).blockDevices().get(0).snapshotId());
        assertEquals(imported.id(), single(fixture.aws.images(REGION)).id());
    }

    @Test
    void badSettingsFailBeforeAnythingIsMade() throws Exception {
        Path image = fixture.disk("raw");
        BuildException failure = assertThrows(BuildException.class, () -> fixture.adapter().importImage(
                fixture.job(image, "raw", AwsFixture.settings(Map.of("import.method", "ftp"))), fixture.context()));
        assertEquals("variant 3.24-x86_64-uefi-aws: import.method is 'ftp', expected one of ebs-direct, s3; fix it in"
                + " the aws cloud config (configs/cloud/aws.conf)", failure.getMessage());
        assertEquals(List.of(), fixture.aws.requests(REGION));
    }

    @Test
    void missingCredentialsNameTheProfileAndRegionAndWhatToRun() {
        fixture.env.remove("AWS_ACCESS_KEY_ID");
        fixture.env.remove("AWS_SECRET_ACCESS_KEY");
        fixture.env.put("AWS_PROFILE", "builder");
        String reason = AwsCloud.open(fixture.env).reason();
        assertTrue(reason.startsWith("no usable credentials for profile 'builder' in us-east-1"), reason);
        assertTrue(reason.contains("aws configure --profile builder"), reason);
        assertTrue(reason.contains("aws sso login --profile builder"), reason);

        fixture.env.remove("AWS_REGION");
        assertEquals("no region for profile 'builder': set AWS_REGION, or run 'aws configure set region REGION"
                + " --profile builder'", AwsCloud.open(fixture.env).reason());
    }

    @Test
    void wrongCredentialsAreAccessDeniedInOneLine() throws Exception {
        fixture.env.put("AWS_ACCESS_KEY_ID", "AKIDWRONG");
        BuildException failure = assertThrows(BuildException.class,
                () -> fixture.adapter().latestBuildImage("cloudimages-test", AwsFixture.BUILD, AwsFixture.settings(Map.of())));
        assertTrue(failure.getMessage().startsWith("aws: access denied while reading the images of "
                + AwsFixture.BUILD + " (profile 'default' in us-east-1): AuthFailure"), failure.getMessage());
        assertFalse(failure.getMessage().contains(fixture.aws.secretAccessKey()));
        assertFalse(failure.getMessage().contains("\n"));
    }

    private static boolean allZero(byte[] content, int from) {
        for (int i = from; i < content.length; i++) {
            if (content[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static <T> T single(List<T> list) {
        assertEquals(1, list.size(), list.toString());
        return list.get(0);
    }
}
