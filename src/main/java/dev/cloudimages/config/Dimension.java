package dev.cloudimages.config;

import java.util.List;
import java.util.Map;

/**
 * One dimension of the build matrix: its name, its keys in config order, and each key's config layer
 * (which may hold EXCLUDE and WHEN directives).
 */
public record Dimension(String name, List<String> keys, Map<String, Map<String, Object>> layers) {

    public Dimension {
        keys = List.copyOf(keys);
        layers = Map.copyOf(layers);
    }

    public Map<String, Object> layer(String key) {
        return layers.get(key);
    }
}
