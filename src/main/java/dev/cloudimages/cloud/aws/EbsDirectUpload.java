package dev.cloudimages.cloud.aws;

import dev.cloudimages.cloud.ImageIdentity;
import dev.cloudimages.cloud.ImportJournal;
import dev.cloudimages.cloud.Polling;
import dev.cloudimages.cloud.TransferProgress;
import dev.cloudimages.support.BuildException;
import dev.cloudimages.support.Digests;
import dev.cloudimages.support.Log;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.ebs.EbsClient;
import software.amazon.awssdk.services.ebs.model.ChecksumAggregationMethod;
import software.amazon.awssdk.services.ebs.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.ebs.model.StartSnapshotResponse;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Snapshot;
import software.amazon.awssdk.services.ec2.model.SnapshotState;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Import by the EBS direct APIs (as coldsnap does): the raw disk goes straight into a new
 * snapshot in 512 KiB blocks, uploaded concurrently, all-zero blocks skipped (a fresh snapshot
 * reads them as zeros), each block with its SHA-256 and the snapshot with the LINEAR aggregate of
 * them, so AWS verifies every byte. No bucket, no vmimport role, no import task. A new snapshot is
 * not writable at once: {@link EbsRetry} says how each request is retried.
 */
final class EbsDirectUpload {

    static final int BLOCK_SIZE = 512 * 1024;
    private static final long GIB = 1L << 30;

    /**
     * What the upload sent: for the log and the benchmark; {@code checksum} is the LINEAR aggregate
     * (the SHA-256 of the blocks' digests in block order) that CompleteSnapshot carries.
     */
    record Sent(String snapshotId, long blocks, long bytes, String checksum) {
    }

    private final AwsSession session;
    private final Log log;

    EbsDirectUpload(AwsSession session, Log log) {
        this.session = session;
        this.log = log;
    }

    /**
     * Uploads {@code raw} as a new snapshot in the session's region and waits until it is completed;
     * the snapshot is written down in the journal before StartSnapshot and handed to the run's
     * rollback at once, so a failure or interrupt removes it, and so does the next run after a kill.
     */
    Sent upload(Path raw, int concurrency, ImportRun run) {
        String region = run.region();
        ImageIdentity identity = run.identity();
        EbsClient ebs = session.ebs(region);
        Ec2Client ec2 = session.ec2(region);
        long deadline = System.nanoTime() + run.timeout().toNanos();
        try (FileChannel file = FileChannel.open(raw, StandardOpenOption.READ)) {
            long size = file.size();
            long volumeGiB = Math.max(1, (size + GIB - 1) / GIB);
            String token = UUID.randomUUID().toString();
            ImportJournal.Entry planned = run.before("snapshot", token, Map.of());
            long startedAt = System.nanoTime();
            StartSnapshotResponse started = ebs.startSnapshot(b -> b.volumeSize(volumeGiB).clientToken(token)
                    .timeout((int) Math.max(10, Math.min(4320, run.timeout().toMinutes())))
                    .description(identity.description())
                    .applyMutation(e -> {
                        if (run.encryption().on()) {
                            e.encrypted(true).kmsKeyArn(run.encryption().key(region).orElse(null));
                        }
                    })
                    .tags(AwsTags.of(identity, Map.of()).entrySet().stream()
                            .map(e -> software.amazon.awssdk.services.ebs.model.Tag.builder().key(e.getKey())
                                    .value(e.getValue()).build()).toList()));
            String snapshotId = started.snapshotId();
            ImportJournal.Entry entry = run.madeAs(planned, snapshotId);
            run.onFailure("snapshot " + snapshotId + " in " + region, entry,
                    () -> run.eventually().run(() -> ec2.deleteSnapshot(b -> b.snapshotId(snapshotId)), snapshotId));
            log.info("[%s] uploading %s to snapshot %s in %s (%d GiB volume, %d at a time)", identity.variantKey(),
                    raw.getFileName(), snapshotId, region, volumeGiB, concurrency);
            EbsRetry retry = new EbsRetry(snapshotId, startedAt, run.eventually().timeout(), deadline);
            Sent sent = sendBlocks(file, size, ebs, retry, snapshotId, identity, concurrency, deadline, run.timeout());
            retry.run("CompleteSnapshot", () -> ebs.completeSnapshot(b -> b.snapshotId(snapshotId)
                    .changedBlocksCount((int) sent.blocks()).checksum(sent.checksum())
                    .checksumAlgorithm(ChecksumAlgorithm.SHA256)
                    .checksumAggregationMethod(ChecksumAggregationMethod.LINEAR)));
            waitCompleted(ec2, run, snapshotId, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            return sent;
        } catch (SdkException e) {
            throw AwsFailures.of("uploading the snapshot of " + identity.imageName(), e, session);
        } catch (IOException e) {
            throw new BuildException("cannot read " + raw + ": " + e.getMessage());
        }
    }

    private Sent sendBlocks(FileChannel file, long size, EbsClient ebs, EbsRetry retry, String snapshotId,
                            ImageIdentity identity, int concurrency, long deadline, Duration timeout) throws IOException {
        // the blocks' digests in block order: the LINEAR aggregate is the SHA-256 of them concatenated
        MessageDigest aggregate = sha256();
        TransferProgress progress = TransferProgress.every5s(log, "[" + identity.variantKey() + "] snapshot upload",
                size);
        ExecutorService pool = Executors.newFixedThreadPool(concurrency, r -> {
            Thread thread = new Thread(r, "ebs-block");
            thread.setDaemon(true);
            return thread;
        });
        // at most two blocks per thread read ahead: memory stays small for any disk size
        Semaphore inFlight = new Semaphore(concurrency * 2);
        List<Future<?>> uploads = new ArrayList<>();
        long blocks = 0;
        long bytes = 0;
        try {
            long blockCount = (size + BLOCK_SIZE - 1) / BLOCK_SIZE;
            for (long index = 0; index < blockCount; index++) {
                if (System.nanoTime() - deadline >= 0) {
                    throw new BuildException("[" + identity.variantKey() + "] the snapshot upload did not finish within "
                            + Polling.human(timeout) + "; raise import.timeout if it needs longer");
                }
                ByteBuffer block = ByteBuffer.allocate(BLOCK_SIZE);
                long offset = index * BLOCK_SIZE;
                while (block.hasRemaining() && file.read(block, offset + block.position()) > 0) {
                    // read until the block is full or the file ends; the tail stays zero
                }
                byte[] data = block.array();
                if (allZero(data)) {
                    progress.add(BLOCK_SIZE);
                    continue;
                }
                byte[] digest = sha256().digest(data);
                aggregate.update(digest);
                blocks++;
                bytes += BLOCK_SIZE;
                int blockIndex = (int) index;
                acquire(inFlight);
                uploads.add(pool.submit(() -> {
                    try {
                        putBlock(ebs, retry, snapshotId, blockIndex, data, digest);
                        progress.add(BLOCK_SIZE);
                    } finally {
                        inFlight.release();
                    }
                }));
                failFast(uploads);
            }
            for (Future<?> upload : uploads) {
                await(upload);
            }
            progress.finish();
            return new Sent(snapshotId, blocks, bytes, Base64.getEncoder().encodeToString(aggregate.digest()));
        } finally {
            pool.shutdownNow();
        }
    }

    private static void putBlock(EbsClient ebs, EbsRetry retry, String snapshotId, int index, byte[] data,
                                 byte[] digest) {
        String checksum = Base64.getEncoder().encodeToString(digest);
        retry.run("PutSnapshotBlock", () -> ebs.putSnapshotBlock(b -> b.snapshotId(snapshotId).blockIndex(index)
                .dataLength(BLOCK_SIZE).checksum(checksum).checksumAlgorithm(ChecksumAlgorithm.SHA256),
                RequestBody.fromBytes(data)));
    }

    private void waitCompleted(Ec2Client ec2, ImportRun run, String snapshotId, Duration timeout) {
        String key = run.key();
        Polling.until("[" + key + "] snapshot " + snapshotId, timeout, "import.timeout", run.poll(), () -> {
            Snapshot snapshot = run.eventually().call(() -> ec2.describeSnapshots(b -> b.snapshotIds(snapshotId)),
                    snapshotId).snapshots().get(0);
            if (snapshot.state() == SnapshotState.ERROR) {
                throw new BuildException("[" + key + "] snapshot " + snapshotId + " failed: "
                        + Optional.ofNullable(snapshot.stateMessage()).orElse("AWS gave no reason"));
            }
            log.info("[%s] snapshot %s: %s%s", key, snapshotId, snapshot.stateAsString(),
                    snapshot.progress() == null || snapshot.progress().isEmpty() ? "" : " " + snapshot.progress());
            return snapshot.state() == SnapshotState.COMPLETED ? Optional.of(snapshot) : Optional.empty();
        });
    }

    private static void failFast(List<Future<?>> uploads) {
        for (Future<?> upload : uploads) {
            if (upload.isDone()) {
                await(upload);
            }
        }
        uploads.removeIf(Future::isDone);
    }

    private static void await(Future<?> upload) {
        try {
            upload.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BuildException("interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new BuildException("block upload failed: " + e.getCause());
        }
    }

    private static void acquire(Semaphore semaphore) {
        try {
            semaphore.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BuildException("interrupted");
        }
    }

    static boolean allZero(byte[] data) {
        for (byte b : data) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static MessageDigest sha256() {
        return Digests.newDigest("SHA-256");
    }
}
