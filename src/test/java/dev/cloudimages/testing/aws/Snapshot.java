package dev.cloudimages.testing.aws;

import java.time.Instant;
import java.util.Map;

/**
 * What the fake holds for one EBS snapshot. {@code origin}: {@code ebs-direct}, {@code import} or {@code copy};
 * {@code blocksWritten}: the 512 KiB blocks holding data (the rest of the volume reads as zeros); {@code kmsKeyId}: the
 * key of an encrypted snapshot (the account's default key when none was named).
 */
public record Snapshot(String region, String id, String state, String stateMessage, String description,
        int volumeSize, boolean encrypted, Map<String, String> tags, String origin, int blocksWritten,
        Instant startTime, String kmsKeyId) {
}
