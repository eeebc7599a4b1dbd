package dev.cloudimages.cloud.aws;

import dev.cloudimages.cloud.ImageIdentity;
import dev.cloudimages.cloud.Polling;
import dev.cloudimages.cloud.Rollback;
import dev.cloudimages.cloud.TransferProgress;
import dev.cloudimages.support.BuildException;
import dev.cloudimages.support.Log;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.SnapshotTaskDetail;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * Import the reference's way, for accounts that allow only that: upload the disk to S3 (a bucket
 * from config, or a temporary one with a random name), ImportSnapshot, and poll the import task
 * until it completes. The object, and a bucket made for it, are always removed; a task that ends
 * in "Disk validation failed" is tried once more with a fresh upload.
 */
final class S3Import {

    static final long PART_SIZE = 16L << 20;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final AwsSession session;
    private final Log log;

    S3Import(AwsSession session, Log log) {
        this.session = session;
        this.log = log;
    }

    /** The snapshot id; temporaries are gone when this returns or throws. */
    String importSnapshot(Path disk, String diskFormat, ImageIdentity identity, Optional<String> configuredBucket,
                          Duration timeout, Duration poll, Rollback rollback) {
        String region = session.region();
        S3Client s3 = session.s3(region);
        Ec2Client ec2 = session.ec2(region);
        try (Rollback temporaries = new Rollback(log)) {
            String bucket = configuredBucket.orElseGet(() -> createBucket(s3, identity, region, temporaries));
            for (int attempt = 1; ; attempt++) {
                String key = identity.imageName() + "-" + UUID.randomUUID() + "." + diskFormat.toLowerCase(Locale.ROOT);
                temporaries.onFailure("s3://" + bucket + "/" + key, () -> s3.deleteObject(b -> b.bucket(bucket).key(key)));
                upload(s3, disk, bucket, key, identity);
                SnapshotTaskDetail detail = runTask(ec2, bucket, key, diskFormat, identity, timeout, poll, rollback);
                if (detail.status().equals("completed")) {
                    return detail.snapshotId();
                }
                String message = Optional.ofNullable(detail.statusMessage()).orElse("no reason given");
                if (attempt == 1 && message.contains("Disk validation failed")) {
                    log.warn("[%s] import task: %s; uploading again and retrying once", identity.variantKey(), message);
                    continue;
                }
                throw new BuildException("[" + identity.variantKey() + "] the import task ended " + detail.status()
                        + ": " + message);
            }
        } catch (SdkException e) {
            throw AwsFailures.of("importing " + identity.imageName() + " through S3", e, session);
        }
    }

    private String createBucket(S3Client s3, ImageIdentity identity, String region, Rollback temporaries) {
        String prefix = identity.project().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        String suffix = "-import-" + HexFormat.of().formatHex(RANDOM.generateSeed(6));
        String bucket = (prefix.substring(0, Math.min(prefix.length(), 63 - suffix.length())) + suffix)
                .replaceAll("^-+", "");
        s3.createBucket(b -> b.bucket(bucket).applyMutation(c -> {
            if (!region.equals("us-east-1")) {
                c.createBucketConfiguration(cfg -> cfg.locationConstraint(region));
            }
        }));
        temporaries.onFailure("bucket " + bucket, () -> s3.deleteBucket(b -> b.bucket(bucket)));
        log.info("[%s] made temporary bucket %s", identity.variantKey(), bucket);
        return bucket;
    }

    private void upload(S3Client s3, Path disk, String bucket, String key, ImageIdentity identity) {
        long size;
        try {
            size = Files.size(disk);
        } catch (IOException e) {
            throw new BuildException("cannot read " + disk + ": " + e.getMessage());
        }
        TransferProgress progress = TransferProgress.every5s(log, "[" + identity.variantKey() + "] upload to s3://"
                + bucket, size);
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        boolean done = false;
        try (InputStream in = Files.newInputStream(disk)) {
            List<CompletedPart> parts = new ArrayList<>();
            byte[] buffer = new byte[(int) PART_SIZE];
            for (int part = 1; ; part++) {
                int length = in.readNBytes(buffer, 0, buffer.length);
                if (length == 0 && part > 1) {
                    break;
                }
                int number = part;
                String etag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(number)
                        .contentLength((long) length), RequestBody.fromBytes(java.util.Arrays.copyOf(buffer, length)))
                        .eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
                progress.add(length);
                if (length < buffer.length) {
                    break;
                }
            }
            s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts)));
            done = true;
            progress.finish();
        } catch (IOException e) {
            throw new BuildException("cannot read " + disk + ": " + e.getMessage());
        } finally {
            if (!done) {
                try {
                    s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
                } catch (SdkException ignored) {
                    // the bucket removal below reports what is left
                }
            }
        }
    }

    private SnapshotTaskDetail runTask(Ec2Client ec2, String bucket, String key, String diskFormat,
                                       ImageIdentity identity, Duration timeout, Duration poll, Rollback rollback) {
        String taskId = ec2.importSnapshot(b -> b.clientToken(UUID.randomUUID().toString())
                .description(identity.description())
                .diskContainer(d -> d.format(diskFormat).userBucket(u -> u.s3Bucket(bucket).s3Key(key)))
                .tagSpecifications(AwsTags.spec(ResourceType.IMPORT_SNAPSHOT_TASK, AwsTags.of(identity, java.util.Map.of()))))
                .importTaskId();
        rollback.onFailure("import task " + taskId, () -> cancelQuietly(ec2, taskId));
        log.info("[%s] import task %s started from s3://%s/%s", identity.variantKey(), taskId, bucket, key);
        String[] last = {""};
        return Polling.until("[" + identity.variantKey() + "] import task " + taskId, timeout, "import.timeout", poll, () -> {
            SnapshotTaskDetail detail = ec2.describeImportSnapshotTasks(b -> b.importTaskIds(taskId))
                    .importSnapshotTasks().get(0).snapshotTaskDetail();
            String status = Optional.ofNullable(detail.status()).orElse("pending");
            String line = status + (detail.progress() == null ? "" : " " + detail.progress() + "%")
                    + (detail.statusMessage() == null ? "" : " (" + detail.statusMessage() + ")");
            if (!line.equals(last[0])) {
                log.info("[%s] import task %s: %s", identity.variantKey(), taskId, line);
                last[0] = line;
            }
            // anything but pending/active ends the wait: completed, or a failure (deleting, deleted, error)
            return status.equals("pending") || status.equals("active") ? Optional.empty() : Optional.of(detail);
        });
    }

    private static void cancelQuietly(Ec2Client ec2, String taskId) {
        try {
            ec2.cancelImportTask(b -> b.importTaskId(taskId));
        } catch (SdkException ignored) {
            // a finished task cannot be cancelled; nothing is left of it
        }
    }
}
