package dev.cloudimages.testing.aws;

import java.util.Map;

/** What the fake holds for one ImportSnapshot task. */
public record ImportTask(String region, String id, String status, String statusMessage, String progress,
        String format, String bucket, String key, String snapshotId, Long diskImageSize, String description,
        Map<String, String> tags) {
}
