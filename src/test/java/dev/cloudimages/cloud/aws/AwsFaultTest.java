package dev.cloudimages.cloud.aws;

import dev.cloudimages.cloud.ImportJournal;
import dev.cloudimages.support.BuildException;
import dev.cloudimages.testing.Tools;
import dev.cloudimages.testing.aws.FakeAwsClients;
import dev.cloudimages.testing.aws.FakeAwsSettings;
import dev.cloudimages.testing.aws.Image;
import dev.cloudimages.testing.aws.Snapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.ebs.EbsClient;
import software.amazon.awssdk.services.ebs.model.Tag;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The import against a fake as unkind as AWS: lag beyond the window, bad settings refused before any request,
 * the vmimport role's scope, encryption, missing tags, what a killed import left, and errors in one line.
 */
class AwsFaultTest {

    private static final String REGION = "us-east-1";

    @TempDir
    Path dir;
    private AwsFixture fixture;

    @BeforeAll
    static void tools() {
        Tools.require("qemu-img");
    }

    @AfterEach
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    private AwsFixture fixture(FakeAwsSettings settings) {
        fixture = new AwsFixture(dir, settings);
        return fixture;
    }

    private BuildException importFails(Map<String, Object> settings) throws Exception {
        Path image = fixture.disk("raw");
        return assertThrows(BuildException.class, () -> fixture.adapter().importImage(
                fixture.job(image, "raw", AwsFixture.settings(settings)), fixture.context()));
    }

    @Test
    void aSnapshotEbsDirectDoesNotKnowWithinTheWindowFailsClearlyAndIsRemoved() throws Exception {
        fixture(FakeAwsSettings.defaults().withLag(new FakeAwsSettings.Lag(Duration.ofSeconds(30), 1,
                Duration.ofMinutes(1))));
        BuildException failure = importFails(Map.of("import.consistency_timeout", "1s"));
        assertTrue(failure.getMessage().contains("EBS direct still did not know snapshot snap-"), failure.getMessage());
        assertTrue(failure.getMessage().contains("raise import.consistency_timeout"), failure.getMessage());
        assertEquals(List.of(), fixture.aws.snapshots(REGION), "the started snapshot is removed");
    }

    @Test
    void throttledBlocksBackOffBeyondTheSdksOwnRetries() throws Exception {
        fixture(FakeAwsSettings.defaults());
        fixture.aws.throttle("PutSnapshotBlock", 8);
        Path image = fixture.disk("raw");
        fixture.adapter().importImage(fixture.job(image, "raw", AwsFixture.settings(Map.of())), fixture.context());
        assertEquals("completed", single(fixture.aws.snapshots(REGION)).state());
    }

    @Test
    void s3WithoutABucketIsRefusedBeforeAnyRequest() throws Exception {
        fixture(FakeAwsSettings.defaults());
        BuildException failure = importFails(Map.of("import.method", "s3"));
        assertTrue(failure.getMessage().startsWith("variant 3.24-x86_64-uefi-aws: import.bucket is '', expected a"
                + " bucket the vmimport role's policy lets it read"), failure.getMessage());
        assertEquals(List.of(), fixture.aws.requests(REGION));
    }

    @Test
    void aBucketTheRoleCannotReadFailsWithAwsAnswerAndLeavesNothing() throws Exception {
        fixture(FakeAwsSettings.defaults());
        fixture.aws.createBucket("my-own-bucket");
        BuildException failure = importFails(Map.of("import.method", "s3", "import.bucket", "my-own-bucket"));
        assertTrue(failure.getMessage().contains("InvalidParameter: The service role vmimport provided does not exist"),
                failure.getMessage());
        assertEquals(List.of(), fixture.aws.objects("my-own-bucket"), "the object is removed; the bucket is the user's");
        assertEquals(List.of(), fixture.aws.importTasks());
    }

    @Test
    void theRoleNameSettingIsWhatImportSnapshotUses() throws Exception {
        fixture(FakeAwsSettings.defaults().withRole(new FakeAwsSettings.Role("image-import",
                List.of("cloudimages-test-uploads"))));
        fixture.aws.createBucket("cloudimages-test-uploads");
        Path image = fixture.disk("raw");
        fixture.adapter().importImage(fixture.job(image, "raw", AwsFixture.settings(Map.of("import.method", "s3",
                "import.bucket", "cloudimages-test-uploads", "import.role_name", "image-import"))), fixture.context());
        assertEquals(Set.of("cloudimages-test-uploads"), fixture.aws.buckets());
        assertEquals(List.of(), fixture.aws.objects("cloudimages-test-uploads"));
        assertEquals(1, fixture.aws.images(REGION).size());
    }

    @Test
    void encryptedImportsEncryptWithTheRegionsKey() throws Exception {
        fixture(FakeAwsSettings.defaults());
        String key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        Path image = fixture.disk("raw");
        fixture.adapter().importImage(fixture.job(image, "raw", AwsFixture.settings(Map.of("encrypted", true,
                "import.kms_keys", Map.of(REGION, key)))), fixture.context());
        Snapshot snapshot = single(fixture.aws.snapshots(REGION));
        assertTrue(snapshot.encrypted());
        assertEquals(key, snapshot.kmsKeyId());
        assertTrue(single(fixture.aws.images(REGION)).blockDevices().get(0).encrypted());
    }

    @Test
    void tagsRegisterImageDidNotSetAreAdded() throws Exception {
        fixture(FakeAwsSettings.defaults());
        fixture.aws.dropRegisterTags();
        Path image = fixture.disk("raw");
        fixture.adapter().importImage(fixture.job(image, "raw", AwsFixture.settings(Map.of())), fixture.context());
        Map<String, String> tags = single(fixture.aws.images(REGION)).tags();
        for (String key : List.of("build_name", "build_revision", "project", "Name", "imported", "source_id")) {
            assertTrue(tags.containsKey(key), key + " in " + tags);
        }
    }

    @Test
    void aSnapshotInUseByAnAmiWithoutTheBuildsTagsIsKeptAndTheImportGoesOn() throws Exception {
        fixture(FakeAwsSettings.defaults());
        Path image = fixture.disk("raw");
        var first = fixture.adapter().importImage(fixture.job(image, "raw", AwsFixture.settings(Map.of())),
                fixture.context());
        String snapshot = single(fixture.aws.snapshots(REGION)).id();
        try (Ec2Client ec2 = FakeAwsClients.ec2(fixture.aws, REGION)) {
            // an AMI whose tags never arrived: its snapshot still says it is this build's
            ec2.deleteTags(b -> b.resources(first.id()).tags(t -> t.key("build_name"), t -> t.key("project")));
        }
        new AwsLeftovers(AwsSession.open(fixture.env), fixture.log, AwsFixture.identity(0, "uefi", "x86_64"))
                .remove(ImportJournal.inMemory());
        assertTrue(fixture.log().contains("keeping snapshot " + snapshot), fixture.log());
        assertEquals(snapshot, single(fixture.aws.snapshots(REGION)).id());
    }

    @Test
    void aTaggedSnapshotEc2DoesNotKnowYetIsAskedAgainAndRemoved() throws Exception {
        fixture(FakeAwsSettings.defaults()); // the next EC2 request naming a new snapshot answers NotFound
        String snapshot = killedRunsSnapshot();
        new AwsLeftovers(AwsSession.open(fixture.env), fixture.log, AwsFixture.identity(0, "uefi", "x86_64"))
                .remove(ImportJournal.inMemory());
        assertTrue(fixture.log().contains("removing snapshot " + snapshot), fixture.log());
        assertEquals(List.of(), fixture.aws.snapshots(REGION));
    }

    @Test
    void aTaggedSnapshotEc2NeverKnowsIsTakenAsGone() throws Exception {
        fixture(FakeAwsSettings.defaults().withLag(new FakeAwsSettings.Lag(Duration.ofMillis(300), 1000,
                Duration.ofSeconds(30))));
        String snapshot = killedRunsSnapshot();
        new AwsLeftovers(AwsSession.open(fixture.env), fixture.log, AwsFixture.identity(0, "uefi", "x86_64"))
                .remove(ImportJournal.inMemory());
        assertFalse(fixture.log().contains("removing snapshot " + snapshot), fixture.log());
    }

    /** A snapshot with the build's tags, as an upload killed before the journal knew its id leaves it. */
    private String killedRunsSnapshot() {
        Map<String, String> tags = AwsFixture.identity(0, "uefi", "x86_64").tags();
        try (EbsClient ebs = FakeAwsClients.ebs(fixture.aws, REGION)) {
            return ebs.startSnapshot(b -> b.volumeSize(1L).tags(tags.entrySet().stream()
                    .map(tag -> Tag.builder().key(tag.getKey()).value(tag.getValue()).build()).toList()))
                    .snapshotId();
        }
    }

    @Test
    void whatTheJournalListsIsRemovedFirstAndAnActiveTaskCancelled() throws Exception {
        fixture(FakeAwsSettings.defaults());
        ImportJournal journal = ImportJournal.at(dir.resolve("pending/aws/build.yaml"));
        String bucket = "cloudimages-test-import-0123";
        String task;
        try (S3Client s3 = FakeAwsClients.s3(fixture.aws, REGION); Ec2Client ec2 = FakeAwsClients.ec2(fixture.aws, REGION)) {
            // what a run killed while it waited for its import task leaves, and its journal
            journal.add(new ImportJournal.Entry("bucket", bucket, REGION, Map.of()));
            s3.createBucket(b -> b.bucket(bucket));
            journal.add(new ImportJournal.Entry("object", "disk.raw", REGION, Map.of("bucket", bucket)));
            s3.putObject(b -> b.bucket(bucket).key("disk.raw"), RequestBody.fromBytes(new byte[1 << 20]));
            ImportJournal.Entry planned = journal.add(new ImportJournal.Entry("import-task", "token", REGION, Map.of()));
            task = ec2.importSnapshot(b -> b.clientToken("token").diskContainer(d -> d.format("RAW")
                    .userBucket(u -> u.s3Bucket(bucket).s3Key("disk.raw")))).importTaskId();
            journal.update(planned, planned.with("id", task));
        }
        Path image = fixture.disk("raw");
        fixture.adapter().importImage(fixture.job(image, "raw", AwsFixture.settings(Map.of()),
                ImportJournal.at(dir.resolve("pending/aws/build.yaml"))), fixture.context());

        assertEquals(Set.of(), fixture.aws.buckets());
        assertTrue(Set.of("deleting", "deleted").contains(single(fixture.aws.importTasks()).status()), "cancelled");
        assertTrue(fixture.log().contains("removing import task " + task + " (still running: cancelling it)"),
                fixture.log());
        assertTrue(fixture.log().contains("removing bucket " + bucket), fixture.log());
        assertFalse(java.nio.file.Files.exists(dir.resolve("pending/aws/build.yaml")), "all crossed off");
        Image ami = single(fixture.aws.images(REGION));
        assertEquals(ami.blockDevices().get(0).snapshotId(), single(fixture.aws.snapshots(REGION)).id());
    }

    @Test
    void uefiPreferredIsRefusedForImagesThatBootOneWay() throws Exception {
        fixture(FakeAwsSettings.defaults());
        BuildException failure = importFails(Map.of("import.boot_mode", "uefi-preferred"));
        assertEquals("variant 3.24-x86_64-uefi-aws: import.boot_mode is 'uefi-preferred', expected uefi for a uefi"
                + " image (it boots by uefi only; uefi-preferred is for images that boot both ways); fix it in the aws"
                + " cloud config (configs/cloud/aws.conf)", failure.getMessage());
        assertEquals(List.of(), fixture.aws.requests(REGION));
    }

    @Test
    void aBare5xxNamesTheOperationAndTheEndpoint() throws Exception {
        fixture(FakeAwsSettings.defaults());
        fixture.aws.bareStatus("RegisterImage", 502, 20);
        BuildException failure = importFails(Map.of());
        assertTrue(failure.getMessage().contains("Ec2 RegisterImage at " + fixture.aws.endpoint()
                + " answered HTTP 502 with no body"), failure.getMessage());
        assertFalse(failure.getMessage().contains("\n"));
        assertEquals(List.of(), fixture.aws.snapshots(REGION));
    }

    @Test
    void anUnknownRegionIsRefusedBeforeAnyRequestNamingTheKnownOnes() {
        fixture(FakeAwsSettings.defaults());
        fixture.env.put("AWS_REGION", "xx-nowhere-1");
        String reason = AwsCloud.open(fixture.env).reason();
        assertTrue(reason.startsWith("'xx-nowhere-1' (AWS_REGION or the profile's region) is not an AWS region;"
                + " known regions: "), reason);
        assertTrue(reason.contains("eu-west-1, "), reason);
        assertEquals(List.of(), fixture.aws.requests(REGION));
    }

    @Test
    void aRegionNotOptedInSaysSo() {
        fixture(FakeAwsSettings.defaults());
        fixture.env.put("AWS_REGION", "ap-east-1");
        BuildException failure = assertThrows(BuildException.class, () -> fixture.adapter()
                .latestBuildImage("cloudimages-test", AwsFixture.BUILD, AwsFixture.settings(Map.of())));
        assertTrue(failure.getMessage().contains("region ap-east-1 is not enabled for this account"),
                failure.getMessage());
        assertFalse(failure.getMessage().contains("access denied"), failure.getMessage());
    }

    @Test
    void aRefusedConnectionNamesTheUrl() {
        fixture(FakeAwsSettings.defaults());
        fixture.env.put("AWS_ENDPOINT_URL_EC2", "http://127.0.0.1:9");
        BuildException failure = assertThrows(BuildException.class, () -> fixture.adapter()
                .latestBuildImage("cloudimages-test", AwsFixture.BUILD, AwsFixture.settings(Map.of())));
        assertTrue(failure.getMessage().contains("cannot connect to http://127.0.0.1:9 (Ec2 DescribeImages)"),
                failure.getMessage());
        assertFalse(failure.getMessage().contains("\n"));
    }

    private static <T> T single(List<T> list) {
        assertEquals(1, list.size(), list.toString());
        return list.get(0);
    }
}
