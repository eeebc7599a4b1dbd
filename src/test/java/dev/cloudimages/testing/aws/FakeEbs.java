package dev.cloudimages.testing.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The EBS direct API (REST JSON) for writing snapshots: StartSnapshot, PutSnapshotBlock, CompleteSnapshot. Each block
 * is checked against its SHA-256; completion against the changed-block count and the LINEAR aggregate checksum.
 */
final class FakeEbs {
    private static final Pattern BLOCK = Pattern.compile("/snapshots/(snap-[0-9a-f]+)/blocks/(\\d+)");
    private static final Pattern COMPLETION = Pattern.compile("/snapshots/completion/(snap-[0-9a-f]+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The request's headers, looked up without regard to case. */
    interface Headers {
        String get(String name);
    }

    private final AwsState state;
    private final Faults faults;

    FakeEbs(AwsState state, Faults faults) {
        this.state = state;
        this.faults = faults;
    }

    /** The operation a request is for, as the request log and the throttle fault name it. */
    static String operation(String method, String path) {
        if (method.equals("POST") && path.equals("/snapshots")) {
            return "StartSnapshot";
        }
        if (method.equals("PUT") && BLOCK.matcher(path).matches()) {
            return "PutSnapshotBlock";
        }
        if (method.equals("POST") && COMPLETION.matcher(path).matches()) {
            return "CompleteSnapshot";
        }
        return method + " " + path;
    }

    HttpReply handle(String operation, String path, Headers headers, byte[] body, AwsState.RegionState region) {
        if (faults.takeThrottle(operation)) {
            throw new AwsError(400, "RequestThrottledException", "The request was throttled.", "ACCOUNT_THROTTLED");
        }
        return switch (operation) {
            case "StartSnapshot" -> start(body, region);
            case "PutSnapshotBlock" -> putBlock(BLOCK.matcher(path), headers, body, region);
            case "CompleteSnapshot" -> complete(COMPLETION.matcher(path), headers, region);
            default -> throw new AwsError(404, "UnknownOperationException",
                    "The fake EBS direct API does not serve " + operation);
        };
    }

    static HttpReply error(AwsError error) {
        ObjectNode body = JSON.createObjectNode().put("Message", error.getMessage());
        if (error.reason != null) {
            body.put("Reason", error.reason);
        }
        return HttpReply.json(error.status, body.toString(), Map.of("x-amzn-ErrorType", error.code));
    }

    private HttpReply start(byte[] body, AwsState.RegionState region) {
        JsonNode request = parse(body);
        long size = request.path("VolumeSize").asLong(0);
        if (size < 1 || size > 16384) {
            throw validation("INVALID_VOLUME_SIZE", "VolumeSize must be between 1 and 16384 GiB, not " + size);
        }
        int timeout = request.path("Timeout").asInt(60);
        // the EBS API reference: 10 to 4320 minutes (3 days), 60 when not given
        if (timeout < 10 || timeout > 4320) {
            throw validation("INVALID_PARAMETER_VALUE", "Timeout must be between 10 and 4320 minutes, not " + timeout);
        }
        if (request.hasNonNull("ParentSnapshotId")) {
            throw validation("INVALID_PARAMETER_VALUE", "The fake does not support ParentSnapshotId");
        }
        String token = request.path("ClientToken").asText(null);
        boolean encrypt = request.path("Encrypted").asBoolean(false);
        String key = request.path("KmsKeyArn").asText(null);
        if (key != null && !encrypt) {
            throw validation("INVALID_PARAMETER_VALUE", "KmsKeyArn needs Encrypted set to true");
        }
        synchronized (state) {
            // the EBS direct API's outcomes: with encryption by default on, no snapshot is unencrypted
            if (region.encryptionByDefault && request.has("Encrypted") && !encrypt) {
                throw validation("INVALID_PARAMETER_VALUE", "Encryption by default is enabled for this account in "
                        + region.name() + ": an unencrypted snapshot cannot be created");
            }
            if (token != null && region.snapshotTokens.containsKey(token)) {
                return startReply(region.snapshots.get(region.snapshotTokens.get(token)));
            }
            AwsState.SnapshotEntry snapshot = state.fresh(new AwsState.SnapshotEntry(region.name(),
                    AwsState.newId("snap"), "ebs-direct", state.now()));
            snapshot.volumeSize = (int) size;
            snapshot.timeoutMinutes = timeout;
            snapshot.description = request.path("Description").asText(null);
            snapshot.encrypted = encrypt || region.encryptionByDefault;
            snapshot.kmsKeyId = !snapshot.encrypted ? null : key != null ? key : AwsState.defaultKmsKey(region.name());
            request.path("Tags").forEach(tag -> snapshot.tags.put(tag.path("Key").asText(), tag.path("Value").asText()));
            region.snapshots.put(snapshot.id, snapshot);
            if (token != null) {
                region.snapshotTokens.put(token, snapshot.id);
            }
            return startReply(snapshot);
        }
    }

    private static HttpReply startReply(AwsState.SnapshotEntry snapshot) {
        ObjectNode reply = JSON.createObjectNode().put("SnapshotId", snapshot.id).put("OwnerId", FakeEc2.ACCOUNT)
                .put("Status", snapshot.state).put("StartTime", snapshot.startTime.toEpochMilli() / 1000.0)
                .put("VolumeSize", snapshot.volumeSize).put("BlockSize", AwsState.BLOCK_SIZE);
        if (snapshot.description != null) {
            reply.put("Description", snapshot.description);
        }
        if (snapshot.encrypted) {
            reply.put("KmsKeyArn", snapshot.kmsKeyId);
        }
        ArrayNode tags = reply.putArray("Tags");
        snapshot.tags.forEach((key, value) -> tags.addObject().put("Key", key).put("Value", value));
        return HttpReply.json(201, reply.toString(), Map.of());
    }

    private HttpReply putBlock(Matcher path, Headers headers, byte[] body, AwsState.RegionState region) {
        path.matches();
        if (faults.takeBlockFailure()) {
            throw new AwsError(500, "InternalServerException", "An internal error has occurred (injected fault).");
        }
        String algorithm = headers.get("x-amz-Checksum-Algorithm");
        if (!"SHA256".equals(algorithm)) {
            throw validation("INVALID_PARAMETER_VALUE", "x-amz-Checksum-Algorithm must be SHA256, not " + algorithm);
        }
        String length = headers.get("x-amz-Data-Length");
        if (length == null || !length.equals(String.valueOf(AwsState.BLOCK_SIZE)) || body.length != AwsState.BLOCK_SIZE) {
            throw validation("INVALID_PARAMETER_VALUE", "A block must be " + AwsState.BLOCK_SIZE
                    + " bytes; x-amz-Data-Length is " + length + " and the body has " + body.length);
        }
        byte[] digest = sha256(body);
        String checksum = Base64.getEncoder().encodeToString(digest);
        if (!checksum.equals(headers.get("x-amz-Checksum"))) {
            throw validation("INVALID_PARAMETER_VALUE", "The x-amz-Checksum " + headers.get("x-amz-Checksum")
                    + " does not match the block data's SHA-256 " + checksum);
        }
        long index = Long.parseLong(path.group(2));
        synchronized (state) {
            AwsState.SnapshotEntry snapshot = writable(region, path.group(1));
            if (index >= snapshot.volumeSize * (AwsState.GIB / AwsState.BLOCK_SIZE)) {
                throw validation("INVALID_BLOCK", "Block index " + index + " is beyond the " + snapshot.volumeSize
                        + " GiB volume");
            }
            snapshot.blocks.put(index, body);
            snapshot.digests.put(index, digest);
            snapshot.lastActivity = state.now();
            state.blocksReceived.incrementAndGet();
        }
        return HttpReply.json(201, "{}", Map.of("x-amz-Checksum", checksum, "x-amz-Checksum-Algorithm", "SHA256"));
    }

    private HttpReply complete(Matcher path, Headers headers, AwsState.RegionState region) {
        path.matches();
        String count = headers.get("x-amz-ChangedBlocksCount");
        if (count == null) {
            throw validation("INVALID_PARAMETER_VALUE", "x-amz-ChangedBlocksCount is required");
        }
        String checksum = headers.get("x-amz-Checksum");
        if (checksum != null && (!"SHA256".equals(headers.get("x-amz-Checksum-Algorithm"))
                || !"LINEAR".equals(headers.get("x-amz-Checksum-Aggregation-Method")))) {
            throw validation("INVALID_PARAMETER_VALUE",
                    "An aggregate checksum needs x-amz-Checksum-Algorithm SHA256 and x-amz-Checksum-Aggregation-Method LINEAR");
        }
        synchronized (state) {
            AwsState.SnapshotEntry snapshot = writable(region, path.group(1));
            if (Long.parseLong(count) != snapshot.digests.size()) {
                snapshot.state = "error";
                snapshot.stateMessage = "ChangedBlocksCount " + count + " but " + snapshot.digests.size()
                        + " blocks were written";
            } else if (checksum != null && !checksum.equals(aggregate(snapshot))) {
                snapshot.state = "error";
                snapshot.stateMessage = "The aggregate checksum " + checksum + " does not match the blocks written";
            } else {
                snapshot.completionRequested = true;
                snapshot.pollsLeft = state.settings.snapshotPolls();
                snapshot.readyAt = state.now().plus(state.settings.latency().snapshot());
            }
            return HttpReply.json(202, JSON.createObjectNode().put("Status", "pending").toString(), Map.of());
        }
    }

    /** LINEAR aggregation: SHA-256 over the blocks' binary SHA-256 digests in ascending block index order. */
    private static String aggregate(AwsState.SnapshotEntry snapshot) {
        MessageDigest digest = newDigest();
        snapshot.digests.values().forEach(digest::update);
        return Base64.getEncoder().encodeToString(digest.digest());
    }

    private AwsState.SnapshotEntry writable(AwsState.RegionState region, String id) {
        AwsState.SnapshotEntry snapshot = region.snapshots.get(id);
        // right after StartSnapshot the EBS direct API may not know the snapshot yet (for up to about 2 minutes)
        if (snapshot == null || state.now().isBefore(snapshot.writableAt)) {
            throw new AwsError(404, "ResourceNotFoundException", "The snapshot " + id + " does not exist",
                    "SNAPSHOT_NOT_FOUND");
        }
        snapshot.checkTimeout(state.now());
        if (!"pending".equals(snapshot.state) || snapshot.completionRequested || !"ebs-direct".equals(snapshot.origin)) {
            throw validation("INVALID_SNAPSHOT_ID", "The snapshot " + id + " is not pending for writing (it is "
                    + snapshot.state + (snapshot.completionRequested ? ", completion requested" : "") + ")");
        }
        return snapshot;
    }

    private static AwsError validation(String reason, String message) {
        return new AwsError(400, "ValidationException", message, reason);
    }

    private static JsonNode parse(byte[] body) {
        try {
            return body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            throw validation("INVALID_PARAMETER_VALUE", "The request body is not JSON: " + e.getMessage());
        }
    }

    static byte[] sha256(byte[] data) {
        return newDigest().digest(data);
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
