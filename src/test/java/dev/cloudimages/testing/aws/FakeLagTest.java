package dev.cloudimages.testing.aws;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.ebs.EbsClient;
import software.amazon.awssdk.services.ebs.model.ResourceNotFoundException;
import software.amazon.awssdk.services.ebs.model.ValidationException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.s3.S3Client;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where the fake is as unkind as AWS, by default: new snapshots not writable at once, new ids unknown to the first
 * request naming them, import tasks that run on without a client, the vmimport role's bucket scope, EBS encryption
 * by default, and deprecation times in the past refused.
 */
class FakeLagTest {

    private static final int BLOCK = 524288;
    private FakeAws aws;
    private Ec2Client ec2;
    private EbsClient ebs;

    @BeforeEach
    void start() {
        aws = FakeAws.start();
        ec2 = FakeAwsClients.ec2(aws, "us-east-1");
        ebs = FakeAwsClients.ebs(aws, "us-east-1");
    }

    @AfterEach
    void stop() {
        ec2.close();
        ebs.close();
        aws.close();
    }

    private String startSnapshot(boolean encrypted) {
        return ebs.startSnapshot(b -> b.volumeSize(1L).timeout(60).applyMutation(r -> {
            if (encrypted) {
                r.encrypted(true);
            }
        })).snapshotId();
    }

    private void putBlock(String snapshot) {
        byte[] data = new byte[BLOCK];
        data[0] = 1;
        String checksum = Base64.getEncoder().encodeToString(FakeEbs.sha256(data));
        ebs.putSnapshotBlock(b -> b.snapshotId(snapshot).blockIndex(0).dataLength(BLOCK).checksum(checksum)
                .checksumAlgorithm("SHA256"), RequestBody.fromBytes(data));
    }

    @Test
    void aStartedSnapshotIsNotWritableForAWhile() throws Exception {
        String snapshot = startSnapshot(false);
        ResourceNotFoundException early = assertThrows(ResourceNotFoundException.class, () -> putBlock(snapshot));
        assertTrue(early.getMessage().contains("does not exist"), early.getMessage());
        Thread.sleep(400);
        putBlock(snapshot);
        assertEquals(1, aws.blocksReceived());
    }

    @Test
    void aNewIdIsUnknownToTheFirstEc2RequestNamingIt() throws Exception {
        String snapshot = startSnapshot(false);
        Ec2Exception first = assertThrows(Ec2Exception.class,
                () -> ec2.createTags(b -> b.resources(snapshot).tags(t -> t.key("a").value("b"))));
        assertEquals("InvalidSnapshot.NotFound", first.awsErrorDetails().errorCode());
        ec2.createTags(b -> b.resources(snapshot).tags(t -> t.key("a").value("b")));
        assertEquals("b", aws.snapshots("us-east-1").get(0).tags().get("a"));
    }

    @Test
    void importTasksRunOnWithoutTheirClientAndTheRoleReadsOnlyItsBuckets() {
        try (S3Client s3 = FakeAwsClients.s3(aws, "us-east-1")) {
            for (String bucket : List.of("cloudimages-test-uploads", "someone-elses")) {
                s3.createBucket(b -> b.bucket(bucket));
                s3.putObject(b -> b.bucket(bucket).key("disk.raw"), RequestBody.fromBytes(new byte[BLOCK]));
            }
        }
        Ec2Exception outside = assertThrows(Ec2Exception.class, () -> ec2.importSnapshot(b -> b.diskContainer(
                d -> d.format("RAW").userBucket(u -> u.s3Bucket("someone-elses").s3Key("disk.raw")))));
        assertEquals("InvalidParameter", outside.awsErrorDetails().errorCode());
        assertTrue(outside.getMessage().contains("The service role vmimport provided does not exist or does not have"
                + " sufficient permissions"), outside.getMessage());
        Ec2Exception role = assertThrows(Ec2Exception.class, () -> ec2.importSnapshot(b -> b.roleName("other")
                .diskContainer(d -> d.format("RAW").userBucket(u -> u.s3Bucket("cloudimages-test-uploads")
                        .s3Key("disk.raw")))));
        assertEquals("InvalidParameter", role.awsErrorDetails().errorCode());

        String task = ec2.importSnapshot(b -> b.diskContainer(d -> d.format("RAW").userBucket(
                u -> u.s3Bucket("cloudimages-test-uploads").s3Key("disk.raw")))).importTaskId();
        assertEquals("active", aws.importTasks().get(0).status());
        aws.advanceTime(Duration.ofMinutes(1)); // nobody polls: the task finishes on its own
        ImportTask done = aws.importTasks().get(0);
        assertEquals(task, done.id());
        assertEquals("completed", done.status());
        assertEquals(1, aws.snapshots("us-east-1").size());
    }

    @Test
    void encryptionByDefaultEncryptsEverySnapshot() {
        assertFalse(ec2.getEbsEncryptionByDefault(b -> { }).ebsEncryptionByDefault());
        aws.encryptionByDefault("us-east-1", true);
        assertTrue(ec2.getEbsEncryptionByDefault(b -> { }).ebsEncryptionByDefault());
        String snapshot = startSnapshot(false);
        Snapshot made = aws.snapshots("us-east-1").get(0);
        assertEquals(snapshot, made.id());
        assertTrue(made.encrypted());
        assertEquals("arn:aws:kms:us-east-1:123456789012:alias/aws/ebs", made.kmsKeyId());
        assertThrows(ValidationException.class, () -> ebs.startSnapshot(b -> b.volumeSize(1L).encrypted(false)));
    }

    @Test
    void deprecationInThePastIsRefused() throws Exception {
        String snapshot = startSnapshot(false);
        Thread.sleep(400);
        putBlock(snapshot);
        ebs.completeSnapshot(b -> b.snapshotId(snapshot).changedBlocksCount(1));
        for (int poll = 0; poll < 5; poll++) {
            try {
                ec2.describeSnapshots(b -> b.snapshotIds(snapshot));
            } catch (Ec2Exception e) {
                // unknown to the first request naming it
            }
        }
        String image = ec2.registerImage(b -> b.name("past").rootDeviceName("/dev/xvda")
                .blockDeviceMappings(m -> m.deviceName("/dev/xvda").ebs(e -> e.snapshotId(snapshot)))).imageId();
        // the first request naming the new AMI does not know it; the next is refused for the date
        assertThrows(Ec2Exception.class, () -> ec2.enableImageDeprecation(b -> b.imageId(image)
                .deprecateAt(Instant.now().minus(Duration.ofDays(1)))));
        AwsServiceException refused = assertThrows(Ec2Exception.class, () -> ec2.enableImageDeprecation(
                b -> b.imageId(image).deprecateAt(Instant.now().minus(Duration.ofDays(1)))));
        assertEquals("InvalidParameterValue", refused.awsErrorDetails().errorCode());
    }
}
