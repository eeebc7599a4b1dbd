package dev.cloudimages.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The paths in which two installed trees differ: added, removed, or changed in content, link
 * target or executable bit. Configs and scripts are small, so comparing bytes is cheaper and
 * surer than any stamp of the sources (mtimes lie after a checkout or a copy).
 */
final class TreeDiff {

    private TreeDiff() {
    }

    static List<String> between(Path installed, Path staged) throws IOException {
        Map<String, Object> before = entries(installed);
        Map<String, Object> after = entries(staged);
        List<String> changed = new ArrayList<>();
        for (String path : new TreeSet<>(union(before, after))) {
            Object a = before.get(path);
            Object b = after.get(path);
            boolean same = a != null && a.equals(b);
            if (!same) {
                changed.add(a == null ? path + " (new)" : b == null ? path + " (gone)" : path);
            }
        }
        return changed;
    }

    private static TreeSet<String> union(Map<String, Object> a, Map<String, Object> b) {
        TreeSet<String> all = new TreeSet<>(a.keySet());
        all.addAll(b.keySet());
        return all;
    }

    /** A file's bytes and whether it may be run (a script that lost its x bit fails in the builder). */
    private record File(byte[] content, boolean executable) {
        @Override
        public boolean equals(Object other) {
            return other instanceof File f && f.executable == executable && Arrays.equals(f.content, content);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(content);
        }
    }

    /** Relative path -> "dir", "link:target", or a File. */
    private static Map<String, Object> entries(Path root) throws IOException {
        Map<String, Object> entries = new TreeMap<>();
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            return entries;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.filter(p -> !p.equals(root)).toList()) {
                String relative = root.relativize(path).toString();
                if (Files.isSymbolicLink(path)) {
                    entries.put(relative, "link:" + Files.readSymbolicLink(path));
                } else if (Files.isDirectory(path)) {
                    entries.put(relative, "dir");
                } else {
                    entries.put(relative, new File(Files.readAllBytes(path), Files.isExecutable(path)));
                }
            }
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
        return entries;
    }
}
