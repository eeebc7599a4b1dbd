package dev.cloudimages.testing.aws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.ebs.EbsClient;
import software.amazon.awssdk.services.ebs.model.AccessDeniedException;
import software.amazon.awssdk.services.ebs.model.ChecksumAggregationMethod;
import software.amazon.awssdk.services.ebs.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.ebs.model.InternalServerException;
import software.amazon.awssdk.services.ebs.model.RequestThrottledException;
import software.amazon.awssdk.services.ebs.model.ResourceNotFoundException;
import software.amazon.awssdk.services.ebs.model.StartSnapshotResponse;
import software.amazon.awssdk.services.ebs.model.ValidationException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Snapshot;

/** The fake EBS direct API through the real EbsClient: blocks, checksums, completion, faults. */
class FakeEbsTest {
    private static final int BLOCK = 524288;
    private static FakeAws aws;
    private static EbsClient ebs;
    private static Ec2Client ec2;

    @BeforeAll
    static void start() {
        // AWS's lag is pinned by FakeLagTest; here each request sees what the one before it made
        aws = FakeAws.start(FakeAwsSettings.defaults().withLag(FakeAwsSettings.Lag.NONE));
        ebs = FakeAwsClients.ebs(aws, "eu-west-1");
        ec2 = FakeAwsClients.ec2(aws, "eu-west-1");
    }

    @AfterAll
    static void stop() {
        ebs.close();
        ec2.close();
        aws.close();
    }

    static byte[] block(int seed) {
        byte[] data = new byte[BLOCK];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 + seed);
        }
        return data;
    }

    static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }

    static String base64(byte[] data) {
        return Base64.getEncoder().encodeToString(data);
    }

    private static void put(String snapshotId, int index, byte[] data, String checksum) {
        ebs.putSnapshotBlock(request -> request.snapshotId(snapshotId).blockIndex(index).dataLength(data.length)
                .checksum(checksum).checksumAlgorithm(ChecksumAlgorithm.SHA256).progress(50),
                RequestBody.fromBytes(data));
    }

    private static Snapshot describe(String snapshotId) {
        return ec2.describeSnapshots(request -> request.snapshotIds(snapshotId)).snapshots().get(0);
    }

    @Test
    void writesBlocksVerifiesTheAggregateAndCompletesAfterPolls() throws Exception {
        StartSnapshotResponse started = ebs.startSnapshot(request -> request.volumeSize(1L).timeout(10)
                .description("alpine test").tags(tag -> tag.key("Name").value("disk")));
        assertEquals(524288, started.blockSize());
        assertEquals("pending", started.statusAsString());
        assertEquals("pending", describe(started.snapshotId()).stateAsString());
        byte[] first = block(1);
        byte[] last = block(2);
        put(started.snapshotId(), 2047, last, base64(sha256(last)));
        put(started.snapshotId(), 3, first, base64(sha256(first)));
        MessageDigest aggregate = MessageDigest.getInstance("SHA-256");
        aggregate.update(sha256(first));
        aggregate.update(sha256(last));
        String status = ebs.completeSnapshot(request -> request.snapshotId(started.snapshotId()).changedBlocksCount(2)
                .checksum(base64(aggregate.digest())).checksumAlgorithm(ChecksumAlgorithm.SHA256)
                .checksumAggregationMethod(ChecksumAggregationMethod.LINEAR)).statusAsString();
        assertEquals("pending", status);
        assertEquals(List.of("pending", "pending", "completed"), List.of(describe(started.snapshotId()).stateAsString(),
                describe(started.snapshotId()).stateAsString(), describe(started.snapshotId()).stateAsString()));
        Snapshot done = describe(started.snapshotId());
        assertEquals(1, done.volumeSize());
        assertEquals("disk", done.tags().get(0).value());
        byte[] content = aws.snapshotContent("eu-west-1", started.snapshotId());
        assertEquals(1L << 30, content.length);
        byte[] read = new byte[BLOCK];
        System.arraycopy(content, 3 * BLOCK, read, 0, BLOCK);
        assertArrayEquals(first, read);
        System.arraycopy(content, 2047 * BLOCK, read, 0, BLOCK);
        assertArrayEquals(last, read);
        System.arraycopy(content, 0, read, 0, BLOCK);
        assertArrayEquals(new byte[BLOCK], read);
    }

    @Test
    void refusesABlockWhoseChecksumDoesNotMatch() throws Exception {
        String id = ebs.startSnapshot(request -> request.volumeSize(1L)).snapshotId();
        ValidationException refused = assertThrows(ValidationException.class,
                () -> put(id, 0, block(3), base64(sha256(block(4)))));
        assertEquals(400, refused.statusCode());
        assertEquals("INVALID_PARAMETER_VALUE", refused.reasonAsString());
        assertEquals(0, aws.snapshots("eu-west-1").stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow()
                .blocksWritten());
    }

    private static String snapshotState(String id) {
        return aws.snapshots("eu-west-1").stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow().state();
    }

    @Test
    void putsTheSnapshotInErrorWhenTheAggregateOrTheCountIsWrong() throws Exception {
        byte[] data = block(5);
        String checksum = base64(sha256(data));
        String badAggregate = ebs.startSnapshot(request -> request.volumeSize(1L)).snapshotId();
        put(badAggregate, 0, data, checksum);
        assertEquals("pending", ebs.completeSnapshot(request -> request.snapshotId(badAggregate).changedBlocksCount(1)
                .checksum(checksum).checksumAlgorithm(ChecksumAlgorithm.SHA256)
                .checksumAggregationMethod(ChecksumAggregationMethod.LINEAR)).statusAsString());
        assertEquals("error", describe(badAggregate).stateAsString());
        String badCount = ebs.startSnapshot(request -> request.volumeSize(1L)).snapshotId();
        put(badCount, 0, data, checksum);
        ebs.completeSnapshot(request -> request.snapshotId(badCount).changedBlocksCount(2));
        assertEquals("error", snapshotState(badCount));
        assertThrows(ValidationException.class, () -> put(badCount, 1, data, checksum), "no blocks after an error");
    }

    @Test
    void refusesBlocksOutsideTheVolumeOrOfTheWrongSizeAndUnknownSnapshots() throws Exception {
        String id = ebs.startSnapshot(request -> request.volumeSize(1L)).snapshotId();
        byte[] data = block(6);
        assertEquals("INVALID_BLOCK", assertThrows(ValidationException.class,
                () -> put(id, 2048, data, base64(sha256(data)))).reasonAsString());
        byte[] small = new byte[4096];
        assertThrows(ValidationException.class, () -> put(id, 0, small, base64(sha256(small))));
        assertThrows(ResourceNotFoundException.class, () -> put("snap-0123456789abcdef0", 0, data, base64(sha256(data))));
        assertEquals("INVALID_VOLUME_SIZE", assertThrows(ValidationException.class,
                () -> ebs.startSnapshot(request -> request.volumeSize(0L))).reasonAsString());
    }

    @Test
    void timesOutASnapshotNotCompletedInTime() throws Exception {
        String id = ebs.startSnapshot(request -> request.volumeSize(1L).timeout(10)).snapshotId();
        aws.advanceTime(Duration.ofMinutes(11));
        assertEquals("error", describe(id).stateAsString());
        byte[] data = block(7);
        assertThrows(ValidationException.class, () -> put(id, 0, data, base64(sha256(data))));
    }

    @Test
    void answersTheSameSnapshotForTheSameClientToken() {
        String first = ebs.startSnapshot(request -> request.volumeSize(1L).clientToken("upload-1")).snapshotId();
        assertEquals(first, ebs.startSnapshot(request -> request.volumeSize(1L).clientToken("upload-1")).snapshotId());
    }

    @Test
    void failsBlocksAndThrottlesAsInjected() throws Exception {
        String id = ebs.startSnapshot(request -> request.volumeSize(1L)).snapshotId();
        byte[] data = block(8);
        long before = aws.blocksReceived();
        aws.failBlock(1);
        put(id, 0, data, base64(sha256(data)));
        assertEquals(before + 1, aws.blocksReceived(), "the SDK retried the failed block once");
        aws.failBlock(10);
        InternalServerException failed = assertThrows(InternalServerException.class,
                () -> put(id, 1, data, base64(sha256(data))));
        assertEquals(500, failed.statusCode());
        aws.clearFaults();
        aws.throttle("StartSnapshot", 1);
        ebs.startSnapshot(request -> request.volumeSize(1L));
        aws.throttle("CompleteSnapshot", 10);
        RequestThrottledException throttled = assertThrows(RequestThrottledException.class,
                () -> ebs.completeSnapshot(request -> request.snapshotId(id).changedBlocksCount(1)));
        assertEquals("ACCOUNT_THROTTLED", throttled.reasonAsString());
        long started = aws.requests("eu-west-1").stream().filter("StartSnapshot"::equals).count();
        assertTrue(started >= 3, "throttled StartSnapshot was retried: " + aws.requests("eu-west-1"));
        assertTrue(aws.bytesReceived("ebs") >= 2L * BLOCK);
    }

    @Test
    void takesBlocksFromManyThreadsAtOnce() throws Exception {
        String id = ebs.startSnapshot(request -> request.volumeSize(1L)).snapshotId();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> writes = new ArrayList<>();
            for (int index = 0; index < 64; index++) {
                int blockIndex = index;
                writes.add(pool.submit(() -> {
                    byte[] data = block(blockIndex);
                    put(id, blockIndex, data, base64(sha256(data)));
                    return null;
                }));
            }
            for (Future<?> write : writes) {
                write.get();
            }
        } finally {
            pool.shutdown();
        }
        var blocks = aws.snapshotBlocks("eu-west-1", id);
        assertEquals(64, blocks.size());
        for (long index = 0; index < 64; index++) {
            assertArrayEquals(block((int) index), blocks.get(index));
        }
    }

    @Test
    void deniesRegionsNotOptedIn() {
        try (EbsClient hongKong = FakeAwsClients.ebs(aws, "ap-east-1")) {
            AccessDeniedException denied = assertThrows(AccessDeniedException.class,
                    () -> hongKong.startSnapshot(request -> request.volumeSize(1L)));
            assertEquals(403, denied.statusCode());
        }
    }
}
