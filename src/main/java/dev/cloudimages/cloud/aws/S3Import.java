package dev.cloudimages.cloud.aws;

import dev.cloudimages.cloud.CloudSettings;
import dev.cloudimages.cloud.ImageIdentity;
import dev.cloudimages.cloud.ImportJournal;
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
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Import the reference's way, for accounts that allow only that: upload the disk to S3, ImportSnapshot
 * as the vmimport service role, and poll the import task until it completes. The role's policy names
 * the buckets it may read, so the bucket is one the config names: {@code import.bucket}, or a
 * temporary one under a prefix the policy allows ({@code import.bucket = "prefix-*"}). The object,
 * and a temporary bucket, are always removed; a task that ends in "Disk validation failed" is tried
 * once more with a fresh upload. Each of them is written down in the journal before it is made.
 */
final class S3Import {

    static final long PART_SIZE = 16L << 20;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** {@code import.bucket} (a name, or a prefix ending in '*' for a temporary bucket) and {@code import.role_name}. */
    record Settings(String bucket, String roleName) {

        static Settings of(CloudSettings settings) {
            String bucket = settings.string("import.bucket", null);
            if (bucket == null) {
                throw settings.bad("import.bucket", "", "a bucket the vmimport role's policy lets it read (or a"
                        + " prefix ending in '*' the policy allows, for a temporary bucket), as import.method = s3"
                        + " needs one");
            }
            String name = bucket.endsWith("*") ? bucket.substring(0, bucket.length() - 1) + "x" : bucket;
            if (!name.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]") || bucket.indexOf('*') != bucket.length() - 1
                    && bucket.contains("*")) {
                throw settings.bad("import.bucket", bucket, "an S3 bucket name, or a prefix of one ending in '*'");
            }
            String role = settings.string("import.role_name", "vmimport");
            if (!role.matches("[\\w+=,.@-]{1,64}")) {
                throw settings.bad("import.role_name", role, "an IAM role name");
            }
            return new Settings(bucket, role);
        }

        boolean temporary() {
            return bucket.endsWith("*");
        }
    }

    private final AwsSession session;
    private final Log log;

    S3Import(AwsSession session, Log log) {
        this.session = session;
        this.log = log;
    }

    /** The snapshot id (handed to the run's rollback); temporaries are gone when this returns or throws. */
    String importSnapshot(Path disk, String diskFormat, Settings settings, ImportRun run) {
        String region = run.region();
        S3Client s3 = session.s3(region);
        Ec2Client ec2 = session.ec2(region);
        try (Rollback temporaries = new Rollback(log)) {
            String bucket = settings.temporary() ? createBucket(s3, settings.bucket(), run, temporaries)
                    : settings.bucket();
            for (int attempt = 1; ; attempt++) {
                String key = run.identity().imageName() + "-" + UUID.randomUUID() + "."
                        + diskFormat.toLowerCase(Locale.ROOT);
                ImportJournal.Entry object = run.before("object", key, Map.of("bucket", bucket));
                run.onFailure(temporaries, "s3://" + bucket + "/" + key, object,
                        () -> s3.deleteObject(b -> b.bucket(bucket).key(key)));
                upload(s3, disk, bucket, key, run.identity());
                SnapshotTaskDetail detail = runTask(ec2, bucket, key, diskFormat, settings.roleName(), run);
                if (detail.status().equals("completed")) {
                    return detail.snapshotId();
                }
                String message = Optional.ofNullable(detail.statusMessage()).orElse("no reason given");
                if (attempt == 1 && message.contains("Disk validation failed")) {
                    log.warn("[%s] import task: %s; uploading again and retrying once", run.key(), message);
                    continue;
                }
                throw new BuildException("[" + run.key() + "] the import task ended " + detail.status() + ": " + message);
            }
        } catch (SdkException e) {
            throw AwsFailures.of("importing " + run.identity().imageName() + " through S3", e, session);
        }
    }

    private String createBucket(S3Client s3, String prefix, ImportRun run, Rollback temporaries) {
        String suffix = HexFormat.of().formatHex(RANDOM.generateSeed(6));
        String start = prefix.substring(0, prefix.length() - 1);
        String bucket = start.substring(0, Math.min(start.length(), 63 - suffix.length())) + suffix;
        ImportJournal.Entry entry = run.before("bucket", bucket, Map.of());
        s3.createBucket(b -> b.bucket(bucket).applyMutation(c -> {
            if (!run.region().equals("us-east-1")) {
                c.createBucketConfiguration(cfg -> cfg.locationConstraint(run.region()));
            }
        }));
        run.onFailure(temporaries, "bucket " + bucket, entry, () -> s3.deleteBucket(b -> b.bucket(bucket)));
        log.info("[%s] made temporary bucket %s", run.key(), bucket);
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

    /**
     * Starts the import task (written down by its client token first) and waits for its end. A
     * completed task's snapshot is handed to the run's rollback and journal; the task itself is then
     * crossed off (a finished task needs no removal).
     */
    private SnapshotTaskDetail runTask(Ec2Client ec2, String bucket, String key, String diskFormat, String role,
                                       ImportRun run) {
        String token = UUID.randomUUID().toString();
        ImportJournal.Entry planned = run.before("import-task", token, Map.of());
        String taskId = ec2.importSnapshot(b -> b.clientToken(token).roleName(role)
                .description(run.identity().description())
                .diskContainer(d -> d.format(diskFormat).userBucket(u -> u.s3Bucket(bucket).s3Key(key)))
                .applyMutation(r -> {
                    if (run.encryption().on()) {
                        r.encrypted(true).kmsKeyId(run.encryption().key(run.region()).orElse(null));
                    }
                })
                .tagSpecifications(AwsTags.spec(ResourceType.IMPORT_SNAPSHOT_TASK, AwsTags.of(run.identity(), Map.of()))))
                .importTaskId();
        ImportJournal.Entry task = run.journal().update(planned, planned.with("id", taskId));
        // a task still running when the import fails or is interrupted is cancelled (a finished one cannot be)
        run.onFailure("import task " + taskId, task, () -> AwsLeftovers.cancel(ec2, taskId));
        log.info("[%s] import task %s started from s3://%s/%s", run.key(), taskId, bucket, key);
        SnapshotTaskDetail detail = poll(ec2, taskId, run);
        if (detail.status().equals("completed")) {
            String snapshotId = detail.snapshotId();
            ImportJournal.Entry snapshot = run.before("snapshot", taskId, Map.of());
            ImportJournal.Entry made = run.madeAs(snapshot, snapshotId);
            run.onFailure("snapshot " + snapshotId + " in " + run.region(), made, () -> run.eventually()
                    .run(() -> session.ec2(run.region()).deleteSnapshot(b -> b.snapshotId(snapshotId)), snapshotId));
        }
        run.journal().remove(task);
        return detail;
    }

    private SnapshotTaskDetail poll(Ec2Client ec2, String taskId, ImportRun run) {
        String[] last = {""};
        return Polling.until("[" + run.key() + "] import task " + taskId, run.timeout(), "import.timeout", run.poll(),
                () -> {
                    SnapshotTaskDetail detail = ec2.describeImportSnapshotTasks(b -> b.importTaskIds(taskId))
                            .importSnapshotTasks().get(0).snapshotTaskDetail();
                    String status = Optional.ofNullable(detail.status()).orElse("pending");
                    String line = status + (detail.progress() == null ? "" : " " + detail.progress() + "%")
                            + (detail.statusMessage() == null ? "" : " (" + detail.statusMessage() + ")");
                    if (!line.equals(last[0])) {
                        log.info("[%s] import task %s: %s", run.key(), taskId, line);
                        last[0] = line;
                    }
                    // anything but pending/active ends the wait: completed, or a failure (deleting, deleted, error)
                    return status.equals("pending") || status.equals("active") ? Optional.empty() : Optional.of(detail);
                });
    }
}
