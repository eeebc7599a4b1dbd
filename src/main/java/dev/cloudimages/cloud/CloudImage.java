package dev.cloudimages.cloud;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One image of the project as a cloud lists it, in one region, for prune: its build and revision
 * from its tags (or labels), when it was made, when an instance was last launched from it (AWS
 * only, and only when asked: it is one call per image), and {@code location}, what the adapter
 * needs to find it again besides its region (an OCI compartment and bucket, a GCP project).
 */
public record CloudImage(String cloud, String region, String id, String name, String buildName, int revision,
                         Map<String, String> tags, Instant created, Optional<Instant> lastLaunched,
                         Map<String, String> location) {

    public CloudImage {
        tags = java.util.Collections.unmodifiableMap(new TreeMap<>(tags));
        location = java.util.Collections.unmodifiableMap(new TreeMap<>(location));
    }

    /** A tag's value; GCP labels hold dates and versions as written there ("3_24", "2026-05-01"). */
    public String tag(String key) {
        return tags.getOrDefault(key, "");
    }
}
