package dev.cloudimages.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The order in which each object's keys first appear in a HOCON document, includes expanded in place.
 * HOCON libraries treat objects as unordered maps; the build does not: dimension order makes the
 * variant key and the merge order, and repos, packages and WHEN blocks keep the order they were written in.
 */
public final class KeyOrder {

    private final Map<List<String>, LinkedHashSet<String>> children = new HashMap<>();

    /** Records that the object at {@code path} has key {@code key}, keeping the first position. */
    void add(List<String> path, String key) {
        children.computeIfAbsent(List.copyOf(path), p -> new LinkedHashSet<>()).add(key);
    }

    /** A non-object value replaced the object at {@code path}: what it held before no longer counts. */
    void reset(List<String> path) {
        children.keySet().removeIf(p -> p.size() >= path.size() && p.subList(0, path.size()).equals(path));
    }

    /**
     * The given keys in document order; keys the document did not show (values that came from
     * substitutions or lists) follow in sorted order, so the result is always stable.
     */
    public List<String> sort(List<String> path, Collection<String> keys) {
        Set<String> known = children.getOrDefault(path, new LinkedHashSet<>());
        List<String> ordered = new ArrayList<>(keys.size());
        for (String key : known) {
            if (keys.contains(key)) {
                ordered.add(key);
            }
        }
        keys.stream().filter(k -> !known.contains(k)).sorted().forEach(ordered::add);
        return ordered;
    }
}
