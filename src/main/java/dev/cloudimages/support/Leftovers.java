package dev.cloudimages.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What an interrupted or killed run leaves in work/: half-written files under a temporary name
 * ({@code .name.*.tmp} from AtomicFiles, {@code .name.*.part} from Fetch, {@code *.download}),
 * half-assembled image directories ({@code images/<cloud>/.<build>.new}), overlay staging
 * directories, and the disks and payload in {@code build/<cloud>/<build>/} (whose build.log is
 * kept, as after a failed build). Swept by the interrupted run itself and, for a run killed
 * outright, by the next one; only ever while holding the work/ lock.
 */
public final class Leftovers {

    private Leftovers() {
    }

    /** Removes the partial files; returns what it removed. */
    public static List<Path> sweep(Path workDir) {
        List<Path> removed = new ArrayList<>();
        if (!Files.isDirectory(workDir)) {
            return removed;
        }
        List<Path> candidates = new ArrayList<>();
        try (Stream<Path> entries = Files.list(workDir)) {
            entries.filter(p -> p.getFileName().toString().matches("\\..+\\.staging-.*")).forEach(candidates::add);
        } catch (IOException ignored) {
            // nothing to sweep
        }
        candidates.addAll(matching(workDir.resolve("cache"), 3, "\\..+\\.(tmp|part)|.+\\.download"));
        candidates.addAll(matching(workDir, 1, "\\..+\\.(tmp|part)"));
        candidates.addAll(matching(workDir.resolve("images"), 2, "\\..+\\.new"));
        candidates.addAll(matching(workDir.resolve("images"), 3, "\\..+\\.(tmp|part)"));
        for (Path buildDir : matching(workDir.resolve("build"), 2, ".+")) {
            if (buildDir.getNameCount() - workDir.getNameCount() == 3 && Files.isDirectory(buildDir)) {
                try (Stream<Path> files = Files.list(buildDir)) {
                    files.filter(f -> !f.getFileName().toString().equals("build.log")).forEach(candidates::add);
                } catch (IOException ignored) {
                    // gone already
                }
            }
        }
        for (Path candidate : candidates) {
            try {
                FileTrees.deleteRecursively(candidate);
                removed.add(candidate);
            } catch (IOException ignored) {
                // best effort: the next run tries again
            }
        }
        return removed;
    }

    /** Sweeps and logs one line when there was anything to remove. */
    public static void sweep(Path workDir, Log log, String why) {
        List<Path> removed = sweep(workDir);
        if (!removed.isEmpty()) {
            log.warn("Removed %d partial file(s) %s: %s", removed.size(), why, String.join(", ",
                    removed.stream().map(p -> workDir.relativize(p).toString()).toList()));
        }
    }

    private static List<Path> matching(Path dir, int depth, String nameRegex) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir, depth)) {
            return walk.filter(p -> !p.equals(dir) && p.getFileName().toString().matches(nameRegex))
                    .toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            return List.of();
        }
    }
}
