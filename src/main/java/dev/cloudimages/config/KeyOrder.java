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
 * A value taken from a substitution ({@code x = ${base} { more }}) takes the order of what it refers to,
 * at the place the substitution stands.
 */
public final class KeyOrder {

    private static final int MAX_SUBSTITUTION_DEPTH = 16;

    /** A key, or a reference to another object whose keys stand here. */
    private record Entry(String key, List<List<String>> sources) {
    }

    private final Map<List<String>, List<Entry>> children = new HashMap<>();

    /** Records that the object at {@code path} has key {@code key}, keeping the first position. */
    void add(List<String> path, String key) {
        List<Entry> entries = children.computeIfAbsent(List.copyOf(path), p -> new ArrayList<>());
        if (entries.stream().noneMatch(e -> key.equals(e.key()))) {
            entries.add(new Entry(key, List.of()));
        }
    }

    /** The object at {@code path} takes keys from a substitution; the first candidate path that is known wins. */
    void addSubstitution(List<String> path, List<List<String>> candidates) {
        children.computeIfAbsent(List.copyOf(path), p -> new ArrayList<>())
                .add(new Entry(null, candidates.stream().map(List::copyOf).toList()));
    }

    /** A non-object value replaced the object at {@code path}: what it held before no longer counts. */
    void reset(List<String> path) {
        children.keySet().removeIf(p -> p.size() >= path.size() && p.subList(0, path.size()).equals(path));
    }

    /**
     * The given keys in document order; keys the document did not show (objects inside lists, values
     * from the environment) follow in sorted order, so the result is always stable.
     */
    public List<String> sort(List<String> path, Collection<String> keys) {
        Set<String> known = new LinkedHashSet<>();
        collect(path, known, 0);
        List<String> ordered = new ArrayList<>(keys.size());
        for (String key : known) {
            if (keys.contains(key)) {
                ordered.add(key);
            }
        }
        keys.stream().filter(k -> !known.contains(k)).sorted().forEach(ordered::add);
        return ordered;
    }

    private void collect(List<String> path, Set<String> into, int depth) {
        if (depth > MAX_SUBSTITUTION_DEPTH) {
            return;
        }
        List<Entry> entries = children.get(path);
        if (entries == null) {
            // a parent may have come from a substitution: look below what it referred to
            for (int split = path.size() - 1; split > 0; split--) {
                List<Entry> parent = children.get(path.subList(0, split));
                if (parent != null && parent.stream().anyMatch(e -> e.key() == null)) {
                    List<String> rest = path.subList(split, path.size());
                    for (Entry entry : parent) {
                        if (entry.key() == null) {
                            collect(firstKnown(entry.sources(), rest), into, depth + 1);
                        }
                    }
                    return;
                }
            }
            return;
        }
        for (Entry entry : entries) {
            if (entry.key() != null) {
                into.add(entry.key());
            } else {
                collect(firstKnown(entry.sources(), List.of()), into, depth + 1);
            }
        }
    }

    private List<String> firstKnown(List<List<String>> candidates, List<String> rest) {
        for (List<String> candidate : candidates) {
            List<String> full = new ArrayList<>(candidate);
            full.addAll(rest);
            if (children.containsKey(full)) {
                return full;
            }
        }
        List<String> fallback = new ArrayList<>(candidates.get(candidates.size() - 1));
        fallback.addAll(rest);
        return fallback;
    }
}
