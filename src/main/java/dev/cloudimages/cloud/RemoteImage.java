package dev.cloudimages.cloud;

import java.util.Map;
import java.util.TreeMap;

/**
 * The newest image a cloud holds for one build name, as its tags describe it: the revision and
 * end of life it was made with, and whether it has been imported and published.
 */
public record RemoteImage(String id, String region, String buildName, int revision, String endOfLife,
                          boolean imported, boolean published, Map<String, String> tags) {

    public RemoteImage {
        tags = java.util.Collections.unmodifiableMap(new TreeMap<>(tags));
    }

    public String state() {
        return published ? "published" : imported ? "imported" : "present";
    }
}
