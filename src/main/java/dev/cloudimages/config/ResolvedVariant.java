package dev.cloudimages.config;

import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * One image variant after resolution: its key ("3.22-x86_64-bios-tiny-aws"), its dimension keys in
 * dimension order, and its resolved, normalised settings in a stable order.
 */
public record ResolvedVariant(String key, Map<String, String> dimensions, Map<String, Object> config) {

    public ResolvedVariant {
        dimensions = Collections.unmodifiableMap(dimensions);
        config = Collections.unmodifiableMap(config);
    }

    public List<String> dimensionKeys() {
        return List.copyOf(dimensions.values());
    }
}
