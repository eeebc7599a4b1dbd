package dev.cloudimages.cloud.aws;

import dev.cloudimages.cloud.ImageIdentity;
import dev.cloudimages.cloud.ImportJournal;
import dev.cloudimages.support.Log;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.ImportSnapshotTask;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What an earlier import of this build left in AWS when it was killed outright (kill -9 runs no
 * rollback), removed before importing again, one warning per thing: first what the journal lists,
 * newest first (image, snapshot, import task, object, bucket; an active task is cancelled), then
 * snapshots tagged with this build and revision that no AMI of the build uses. A published image
 * is never removed.
 */
final class AwsLeftovers {

    private static final Set<String> GONE = Set.of("InvalidAMIID.NotFound", "InvalidSnapshot.NotFound",
            "NoSuchBucket", "NoSuchKey", "NoSuchUpload", "InvalidConversionTaskId.Malformed");
    /** How long a listed snapshot EC2 does not know is asked for again before it is taken as gone. */
    private static final Duration LISTED_SNAPSHOT_WAIT = Duration.ofSeconds(5);

    private final AwsSession session;
    private final Log log;
    private final ImageIdentity identity;

    AwsLeftovers(AwsSession session, Log log, ImageIdentity identity) {
        this.session = session;
        this.log = log;
        this.identity = identity;
    }

    void remove(ImportJournal journal) {
        List<ImportJournal.Entry> entries = new ArrayList<>(journal.entries());
        Collections.reverse(entries);
        for (ImportJournal.Entry entry : entries) {
            try {
                removeOne(entry);
            } catch (SdkException e) {
                if (!GONE.contains(AwsFailures.code(e))) {
                    throw AwsFailures.of("removing " + entry.kind() + " " + entry.name() + " that a killed import left"
                            + " (listed in its journal)", e, session);
                }
            }
            journal.remove(entry);
        }
        sweepSnapshots();
    }

    private void removeOne(ImportJournal.Entry entry) {
        String region = entry.region();
        String id = entry.details().get("id");
        switch (entry.kind()) {
            case "image" -> image(session.ec2(region), entry.name(), id, region);
            case "snapshot" -> {
                if (id != null) {
                    warn("snapshot " + id, region);
                    session.ec2(region).deleteSnapshot(b -> b.snapshotId(id));
                }
            }
            case "import-task" -> task(session.ec2(region), Optional.ofNullable(id), region);
            case "object" -> object(session.s3(region), entry.details().get("bucket"), entry.name());
            case "bucket" -> {
                warn("bucket " + entry.name(), region);
                session.s3(region).deleteBucket(b -> b.bucket(entry.name()));
            }
            default -> log.warn("[%s] the journal lists a %s (%s) this version does not know; check %s by hand",
                    identity.variantKey(), entry.kind(), entry.name(), region);
        }
    }

    /** The AMI by id, else by name (the kill came before RegisterImage answered); with its snapshots. */
    private void image(Ec2Client ec2, String name, String id, String region) {
        List<Image> images = id != null ? ec2.describeImages(b -> b.imageIds(id)).images()
                : ec2.describeImages(b -> b.owners("self").filters(f -> f.name("name").values(name))).images();
        for (Image image : images) {
            if (AwsTags.map(image.tags()).containsKey(ImageIdentity.PUBLISHED)) {
                log.warn("[%s] keeping image %s in %s: it is published", identity.variantKey(), image.imageId(), region);
                continue;
            }
            warn("image " + image.imageId() + " (" + name + ")", region);
            ec2.deregisterImage(b -> b.imageId(image.imageId()));
            for (String snapshot : AmiPublisher.snapshots(image, "")) {
                if (snapshot.startsWith("snap-")) {
                    ec2.deleteSnapshot(b -> b.snapshotId(snapshot));
                }
            }
        }
    }

    /**
     * The task by id, else this build's tasks found by their tags (the kill came before ImportSnapshot
     * answered): an active one is cancelled, a completed one's snapshot deleted.
     */
    private void task(Ec2Client ec2, Optional<String> id, String region) {
        List<ImportSnapshotTask> tasks = ec2.describeImportSnapshotTasks(b -> id.ifPresent(b::importTaskIds))
                .importSnapshotTasks().stream().filter(t -> id.isPresent() || ours(t)).toList();
        for (ImportSnapshotTask task : tasks) {
            String status = Optional.ofNullable(task.snapshotTaskDetail().status()).orElse("");
            if (status.equals("active") || status.equals("pending")) {
                warn("import task " + task.importTaskId() + " (still running: cancelling it)", region);
                cancel(ec2, task.importTaskId());
            } else if (status.equals("completed") && id.isPresent() && task.snapshotTaskDetail().snapshotId() != null) {
                String snapshot = task.snapshotTaskDetail().snapshotId();
                warn("snapshot " + snapshot + " of import task " + task.importTaskId(), region);
                ec2.deleteSnapshot(b -> b.snapshotId(snapshot));
            }
        }
    }

    private boolean ours(ImportSnapshotTask task) {
        Map<String, String> tags = AwsTags.map(task.tags());
        return identity.buildName().equals(tags.get(ImageIdentity.BUILD_NAME))
                && identity.project().equals(tags.get(ImageIdentity.PROJECT))
                && Integer.toString(identity.revision()).equals(tags.get(ImageIdentity.BUILD_REVISION));
    }

    /** The object, and the multipart upload a kill may have left half done (its parts cost like objects). */
    private void object(S3Client s3, String bucket, String key) {
        warn("s3://" + bucket + "/" + key, s3.serviceClientConfiguration().region().id());
        for (MultipartUpload upload : s3.listMultipartUploads(b -> b.bucket(bucket).prefix(key)).uploads()) {
            s3.abortMultipartUpload(b -> b.bucket(bucket).key(upload.key()).uploadId(upload.uploadId()));
        }
        s3.deleteObject(b -> b.bucket(bucket).key(key));
    }

    /**
     * Snapshots of this build and revision (by their tags) that no AMI of the build uses: an upload
     * killed before the journal knew the snapshot's id. One still in use (by an AMI without the
     * build's tags) is kept and said so, and does not stop the import.
     */
    private void sweepSnapshots() {
        String region = session.region();
        Ec2Client ec2 = session.ec2(region);
        try {
            Set<String> used = new HashSet<>();
            ec2.describeImages(b -> b.owners("self").filters(
                            f -> f.name("tag:" + ImageIdentity.BUILD_NAME).values(identity.buildName()),
                            f -> f.name("tag:" + ImageIdentity.PROJECT).values(identity.project())))
                    .images().forEach(image -> used.addAll(List.of(AmiPublisher.snapshots(image, ""))));
            for (var snapshot : ec2.describeSnapshots(b -> b.ownerIds("self").filters(
                    f -> f.name("tag:" + ImageIdentity.BUILD_NAME).values(identity.buildName()),
                    f -> f.name("tag:" + ImageIdentity.BUILD_REVISION).values(Integer.toString(identity.revision())),
                    f -> f.name("tag:" + ImageIdentity.PROJECT).values(identity.project()))).snapshots()) {
                if (used.contains(snapshot.snapshotId())) {
                    continue;
                }
                try {
                    if (deleteSnapshot(ec2, snapshot.snapshotId())) {
                        warn("snapshot " + snapshot.snapshotId() + " (" + snapshot.stateAsString() + ")", region);
                    }
                } catch (SdkException e) {
                    if (!AwsFailures.code(e).equals("InvalidSnapshot.InUse")) {
                        throw e;
                    }
                    log.warn("[%s] keeping snapshot %s in %s: it is tagged as this build's but an AMI uses it (%s)",
                            identity.variantKey(), snapshot.snapshotId(), region, AwsFailures.message(e));
                }
            }
        } catch (SdkException e) {
            throw AwsFailures.of("looking for snapshots left by an earlier import", e, session);
        }
    }

    /**
     * Deletes a listed snapshot; false when EC2 says it does not exist. EC2 is eventually
     * consistent both ways: a snapshot the killed run made moments ago may be unknown to the next
     * few requests naming it, so it counts as made by this run and is asked again for a few
     * seconds; one the journal's sweep has just removed may still be listed, and then it stays
     * unknown: gone.
     */
    private boolean deleteSnapshot(Ec2Client ec2, String snapshotId) {
        session.made(snapshotId);
        try {
            new Eventually(session, LISTED_SNAPSHOT_WAIT).run(() -> ec2.deleteSnapshot(b -> b.snapshotId(snapshotId)),
                    snapshotId);
            return true;
        } catch (SdkException e) {
            if (!GONE.contains(AwsFailures.code(e))) {
                throw e;
            }
            return false;
        }
    }

    private void warn(String what, String region) {
        log.warn("[%s] removing %s left in %s by an earlier import that did not finish", identity.variantKey(), what,
                region);
    }

    /** Cancels an import task; one that already ended cannot be cancelled, and nothing is left of it to stop. */
    static void cancel(Ec2Client ec2, String taskId) {
        try {
            ec2.cancelImportTask(b -> b.importTaskId(taskId));
        } catch (SdkException e) {
            if (!AwsFailures.code(e).equals("IncorrectState")) {
                throw e;
            }
        }
    }
}
