package dev.cloudimages.testing.aws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudimages.testing.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.ImportSnapshotResponse;
import software.amazon.awssdk.services.ec2.model.ImportSnapshotTask;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.SnapshotTaskDetail;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.s3.S3Client;

/** ImportSnapshot from objects uploaded with the real S3Client, and its tasks, through the real Ec2Client. */
class FakeImportTest {
    private static final int BLOCK = 524288;
    private FakeAws aws;
    private Ec2Client ec2;
    private S3Client s3;

    @BeforeEach
    void start() {
        // AWS's lag is pinned by FakeLagTest; here each request sees what the one before it made
        aws = FakeAws.start(FakeAwsSettings.defaults().withLag(FakeAwsSettings.Lag.NONE));
        ec2 = FakeAwsClients.ec2(aws, "us-east-1");
        s3 = FakeAwsClients.s3(aws, "us-east-1");
        s3.createBucket(request -> request.bucket("cloudimages-test-uploads"));
    }

    @AfterEach
    void stop() {
        ec2.close();
        s3.close();
        aws.close();
    }

    /** 4 MiB with data in blocks 0 and 5 only. */
    private static byte[] disk() {
        byte[] disk = new byte[8 * BLOCK];
        for (int i = 0; i < BLOCK; i++) {
            disk[i] = (byte) (i % 251 + 1);
            disk[5 * BLOCK + i] = (byte) (i % 13 + 1);
        }
        return disk;
    }

    private void upload(String key, byte[] data) {
        s3.putObject(request -> request.bucket("cloudimages-test-uploads").key(key), RequestBody.fromBytes(data));
    }

    private ImportSnapshotResponse importSnapshot(String key, String format, String token) {
        return ec2.importSnapshot(request -> request.description("alpine").clientToken(token)
                .diskContainer(disk -> disk.format(format).userBucket(bucket -> bucket.s3Bucket("cloudimages-test-uploads").s3Key(key)))
                .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.IMPORT_SNAPSHOT_TASK)
                        .tags(tag -> tag.key("Name").value(key)).build()));
    }

    /** Polls the task until it is no longer active or deleting; returns every detail seen. */
    private List<SnapshotTaskDetail> pollUntilDone(String taskId) {
        List<SnapshotTaskDetail> seen = new ArrayList<>();
        for (int poll = 0; poll < 20; poll++) {
            ImportSnapshotTask task = ec2.describeImportSnapshotTasks(request -> request.importTaskIds(taskId))
                    .importSnapshotTasks().get(0);
            seen.add(task.snapshotTaskDetail());
            if (!Set.of("active", "deleting").contains(task.snapshotTaskDetail().status())) {
                return seen;
            }
        }
        throw new AssertionError("import task " + taskId + " never finished: " + seen);
    }

    private byte[] importedContent(String snapshotId, int length) {
        byte[] content = aws.snapshotContent("us-east-1", snapshotId);
        byte[] start = new byte[length];
        System.arraycopy(content, 0, start, 0, length);
        assertTrue(DiskImages.allZero(java.util.Arrays.copyOfRange(content, length, length + BLOCK)));
        return start;
    }

    @Test
    void importsARawDiskOverPollsIntoACompletedSnapshot() {
        byte[] disk = disk();
        upload("disk.raw", disk);
        assertEquals(Set.of("cloudimages-test-uploads"), aws.buckets());
        assertEquals(List.of("disk.raw"), aws.objects("cloudimages-test-uploads"));
        assertTrue(aws.bytesReceived("s3") >= disk.length, "s3 bytes " + aws.bytesReceived("s3"));
        ImportSnapshotResponse started = importSnapshot("disk.raw", "RAW", "token-1");
        assertTrue(started.importTaskId().matches("import-snap-[0-9a-f]{17}"), started.importTaskId());
        assertEquals("active", started.snapshotTaskDetail().status());
        assertEquals("disk.raw", started.snapshotTaskDetail().userBucket().s3Key());
        assertEquals(started.importTaskId(), importSnapshot("disk.raw", "RAW", "token-1").importTaskId());
        List<SnapshotTaskDetail> seen = pollUntilDone(started.importTaskId());
        assertEquals(List.of("active", "active", "active", "completed"),
                seen.stream().map(SnapshotTaskDetail::status).toList());
        assertEquals(List.of("0", "33", "66"), seen.subList(0, 3).stream().map(SnapshotTaskDetail::progress).toList());
        SnapshotTaskDetail done = seen.get(3);
        assertEquals(disk.length, done.diskImageSize().longValue());
        assertEquals("RAW", done.format());
        assertNull(done.statusMessage());
        var snapshot = ec2.describeSnapshots(request -> request.snapshotIds(done.snapshotId())).snapshots().get(0);
        assertEquals("completed", snapshot.stateAsString());
        assertEquals(1, snapshot.volumeSize());
        assertEquals("Created by AWS-VMImport service for " + started.importTaskId(), snapshot.description());
        assertArrayEquals(disk, importedContent(done.snapshotId(), disk.length));
        assertEquals(1, aws.importTasks().size());
        assertEquals("disk.raw", aws.importTasks().get(0).tags().get("Name"));
    }

    @Test
    void readsDynamicAndFixedVhdAsQemuImgWritesThem(@TempDir Path dir) throws Exception {
        Tools.require("qemu-img");
        byte[] disk = disk();
        Path raw = dir.resolve("disk.raw");
        Files.write(raw, disk);
        for (String subformat : List.of("dynamic", "fixed")) {
            Path vhd = dir.resolve(subformat + ".vhd");
            qemuImg("convert", "-f", "raw", "-O", "vpc", "-o", "subformat=" + subformat, raw.toString(), vhd.toString());
            upload(subformat + ".vhd", Files.readAllBytes(vhd));
            String taskId = importSnapshot(subformat + ".vhd", "VHD", null).importTaskId();
            List<SnapshotTaskDetail> seen = pollUntilDone(taskId);
            SnapshotTaskDetail done = seen.get(seen.size() - 1);
            assertEquals("completed", done.status(), subformat + ": " + done);
            assertArrayEquals(disk, importedContent(done.snapshotId(), disk.length), subformat);
        }
    }

    private static void qemuImg(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("qemu-img"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertEquals(0, process.waitFor(), output);
    }

    @Test
    void endsDeletedWhenTheObjectIsMissingTheDiskIsBadOrAFaultSaysSo() {
        upload("disk.raw", disk());
        upload("junk.vhd", new byte[4096]);
        List<String> messages = new ArrayList<>();
        messages.add(failedTask(importSnapshot("missing.raw", "RAW", null).importTaskId()));
        messages.add(failedTask(importSnapshot("junk.vhd", "VHD", null).importTaskId()));
        aws.failImportTask(ImportFailure.ERROR);
        messages.add(failedTask(importSnapshot("disk.raw", "RAW", null).importTaskId()));
        aws.failImportTask(ImportFailure.DELETED);
        messages.add(failedTask(importSnapshot("disk.raw", "RAW", null).importTaskId()));
        assertTrue(messages.get(0).startsWith("ClientError: "), messages.get(0));
        assertEquals("ClientError: Disk validation failed [Unsupported VHD Footer]", messages.get(1));
        assertTrue(messages.get(2).startsWith("ClientError: Disk validation failed"), messages.get(2));
        assertTrue(messages.get(3).startsWith("ServerError: "), messages.get(3));
        assertTrue(aws.snapshots("us-east-1").isEmpty(), "a failed import leaves no snapshot");
        String fine = importSnapshot("disk.raw", "RAW", null).importTaskId();
        assertEquals("completed", last(pollUntilDone(fine)).status(), "a fault fires once");
    }

    private String failedTask(String taskId) {
        List<SnapshotTaskDetail> seen = pollUntilDone(taskId);
        assertEquals("deleting", seen.get(seen.size() - 2).status());
        assertEquals("deleted", last(seen).status());
        assertNull(last(seen).snapshotId());
        return last(seen).statusMessage();
    }

    private static SnapshotTaskDetail last(List<SnapshotTaskDetail> seen) {
        return seen.get(seen.size() - 1);
    }

    @Test
    void cancelsAnActiveTask() {
        upload("disk.raw", disk());
        String taskId = importSnapshot("disk.raw", "RAW", null).importTaskId();
        var cancelled = ec2.cancelImportTask(request -> request.importTaskId(taskId));
        assertEquals("active", cancelled.previousState());
        assertEquals("deleting", cancelled.state());
        assertEquals("deleted", last(pollUntilDone(taskId)).status());
        assertTrue(aws.snapshots("us-east-1").isEmpty());
    }
}
