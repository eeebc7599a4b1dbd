package dev.cloudimages.cloud;

import java.util.Map;
import java.util.TreeMap;

/**
 * A variant's image being released: who it is, its image id in each region it was published to
 * (from the store's record of the publish, so a region that failed earlier is not named), and the
 * variant's settings (where the "latest" pointers are configured).
 */
public record ReleaseJob(ImageIdentity identity, Map<String, String> images, CloudSettings settings) {

    public ReleaseJob {
        images = java.util.Collections.unmodifiableMap(new TreeMap<>(images));
    }
}
