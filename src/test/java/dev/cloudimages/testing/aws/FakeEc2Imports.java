package dev.cloudimages.testing.aws;

import java.util.List;

/**
 * ImportSnapshot and its tasks. ImportSnapshot checks the service role and its bucket scope; a task reads its S3
 * object at its first step; each DescribeImportSnapshotTasks that returns it is one poll: {@code active} with growing
 * progress, then {@code completed} with a new snapshot, or {@code deleting} then {@code deleted} when the disk could
 * not be read, the task was cancelled or a fault said so. Tasks also run to their end by themselves after the
 * fake's import task time, with nobody polling (a killed client leaves a task that goes on).
 */
final class FakeEc2Imports {
    /** Reads an object from the fake S3; throws when the bucket or key does not exist. */
    interface BlobReader {
        byte[] read(String bucket, String key) throws Exception;
    }

    private final AwsState state;
    private final Faults faults;
    private final BlobReader blobs;

    FakeEc2Imports(AwsState state, Faults faults, BlobReader blobs) {
        this.state = state;
        this.faults = faults;
        this.blobs = blobs;
    }

    String importSnapshot(Ec2Request request) {
        QueryParams params = request.params();
        AwsState.RegionState region = request.region();
        String token = params.get("ClientToken");
        if (token != null && region.importTokens.containsKey(token)) {
            AwsState.TaskEntry earlier = state.tasks.get(region.importTokens.get(token));
            return writeTask(Xml.response("ImportSnapshot"), earlier, false).finish();
        }
        if (params.get("DiskContainer.Url") != null) {
            throw AwsError.client("InvalidParameter", "The fake imports from DiskContainer.UserBucket only");
        }
        String format = params.require("DiskContainer.Format").toUpperCase();
        if (!List.of("VHD", "VMDK", "RAW").contains(format)) {
            throw AwsError.client("InvalidParameter", "Unsupported file format " + format);
        }
        String bucket = params.require("DiskContainer.UserBucket.S3Bucket");
        String key = params.require("DiskContainer.UserBucket.S3Key");
        // VM Import reads the disk as the service role, whose policy names the buckets it may read
        String role = params.get("RoleName") == null ? "vmimport" : params.get("RoleName");
        FakeAwsSettings.Role vmimport = state.settings.role();
        if (!role.equals(vmimport.name()) || !vmimport.canRead(bucket)) {
            throw AwsError.client("InvalidParameter", "The service role " + role + " provided does not exist or does not"
                    + " have sufficient permissions for the service to continue");
        }
        boolean encrypt = params.flag("Encrypted");
        String kmsKey = params.get("KmsKeyId");
        if (kmsKey != null && !encrypt) {
            throw AwsError.client("InvalidParameterCombination", "KmsKeyId requires Encrypted to be true");
        }
        AwsState.TaskEntry task = new AwsState.TaskEntry(region.name(), AwsState.newId("import-snap"), format, bucket,
                key, params.get("Description"), state.now());
        task.encrypted = encrypt || region.encryptionByDefault;
        task.kmsKeyId = !task.encrypted ? null : kmsKey != null ? kmsKey : AwsState.defaultKmsKey(region.name());
        task.tags.putAll(params.tagSpecification("import-snapshot-task"));
        task.pollsLeft = state.settings.importPolls();
        start(task);
        state.tasks.put(task.id, task);
        if (token != null) {
            region.importTokens.put(token, task.id);
        }
        return writeTask(Xml.response("ImportSnapshot"), task, false).finish();
    }

    private void start(AwsState.TaskEntry task) {
        ImportFailure injected = faults.takeImportFailure();
        if (injected == ImportFailure.DELETED) {
            task.failure = "ServerError: The import task was deleted because of an internal error.";
            return;
        }
        if (injected == ImportFailure.ERROR) {
            task.failure = "ClientError: Disk validation failed [Unsupported VHD Footer]";
        }
    }

    /** The task gets to the disk: it reads the object now, not when it was started (a deleted object fails it). */
    private void read(AwsState.TaskEntry task) {
        if (task.volume != null || task.failure != null) {
            return;
        }
        byte[] file;
        try {
            file = blobs.read(task.bucket, task.key);
        } catch (Exception e) {
            task.failure = "ClientError: Disk validation failed [We do not have access to the given resource. "
                    + "Reason 403 Forbidden]";
            return;
        }
        task.diskImageSize = (long) file.length;
        try {
            task.volume = DiskImages.read(task.format, file);
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            task.failure = "ClientError: Disk validation failed [" + e.getMessage() + "]";
        }
    }

    String describe(Ec2Request request) {
        List<String> ids = request.params().list("ImportTaskId");
        for (String id : ids) {
            task(request.region(), id);
        }
        Xml xml = Xml.response("DescribeImportSnapshotTasks").open("importSnapshotTaskSet");
        for (AwsState.TaskEntry task : state.tasks.values()) {
            if (task.region.equals(request.region().name()) && (ids.isEmpty() || ids.contains(task.id))) {
                writeTask(xml, task, true);
                polled(request.region(), task);
            }
        }
        return xml.finish();
    }

    String cancel(Ec2Request request) {
        AwsState.TaskEntry task = task(request.region(), request.params().require("ImportTaskId"));
        if (!task.status.equals("active")) {
            throw AwsError.client("IncorrectState", "The import task " + task.id + " is " + task.status
                    + " and cannot be cancelled");
        }
        task.status = "deleting";
        task.statusMessage = "User cancelled task";
        return Xml.response("CancelImportTask").leaf("importTaskId", task.id).leaf("previousState", "active")
                .leaf("state", "deleting").finish();
    }

    private AwsState.TaskEntry task(AwsState.RegionState region, String id) {
        AwsState.TaskEntry task = state.tasks.get(id);
        if (task == null || !task.region.equals(region.name())) {
            throw AwsError.client("InvalidConversionTaskId.Malformed", "The import task id '" + id + "' does not exist");
        }
        return task;
    }

    /**
     * Tasks run on AWS's side without anyone polling them: one older than the fake's import task time has run to
     * its end, whether or not its client is still there. Called before every EC2 request and every inspection.
     */
    void tick() {
        for (AwsState.TaskEntry task : state.tasks.values()) {
            if (task.status.equals("active") && !faults.importsHeld()
                    && !state.now().isBefore(task.startedAt.plus(state.settings.lag().importTaskTime()))) {
                while (task.status.equals("active")) {
                    polled(state.region(task.region), task);
                }
            }
        }
    }

    private void polled(AwsState.RegionState region, AwsState.TaskEntry task) {
        if (task.status.equals("active") && faults.importsHeld()) {
            return;
        }
        if (task.status.equals("active")) {
            read(task);
        }
        switch (task.status) {
            case "deleting" -> {
                task.status = "deleted";
                task.progress = null;
            }
            case "active" -> {
                if (task.failure != null) {
                    task.status = "deleting";
                    task.statusMessage = task.failure;
                } else if (--task.pollsLeft <= 0) {
                    complete(region, task);
                } else {
                    int total = state.settings.importPolls();
                    task.progress = String.valueOf(100 * (total - task.pollsLeft) / total);
                    task.statusMessage = task.pollsLeft == 1 ? "validating" : "downloading/converting";
                }
            }
            default -> {
            }
        }
    }

    private void complete(AwsState.RegionState region, AwsState.TaskEntry task) {
        AwsState.SnapshotEntry snapshot = state.fresh(new AwsState.SnapshotEntry(region.name(), AwsState.newId("snap"),
                "import", state.now()));
        snapshot.encrypted = task.encrypted;
        snapshot.kmsKeyId = task.kmsKeyId;
        snapshot.description = "Created by AWS-VMImport service for " + task.id;
        snapshot.volumeSize = task.volume.sizeGiB();
        snapshot.blocks.putAll(task.volume.blocks());
        snapshot.state = "completed";
        snapshot.progress = "100%";
        region.snapshots.put(snapshot.id, snapshot);
        task.volume = null;
        task.snapshotId = snapshot.id;
        task.status = "completed";
        task.statusMessage = null;
        task.progress = null;
    }

    /** The task's elements: directly in the ImportSnapshot response, as an {@code item} in a Describe list. */
    private static Xml writeTask(Xml xml, AwsState.TaskEntry task, boolean inList) {
        if (inList) {
            xml.open("item");
        }
        xml.leaf("description", task.description).leaf("importTaskId", task.id).open("snapshotTaskDetail")
                .leaf("description", task.description).leaf("diskImageSize", task.diskImageSize)
                .leaf("format", task.format).leaf("progress", task.progress).leaf("snapshotId", task.snapshotId)
                .leaf("status", task.status).leaf("statusMessage", task.statusMessage)
                .open("userBucket").leaf("s3Bucket", task.bucket).leaf("s3Key", task.key).close()
                .leaf("encrypted", task.encrypted).leaf("kmsKeyId", task.kmsKeyId).close().tagSet(task.tags);
        return inList ? xml.close() : xml;
    }
}
