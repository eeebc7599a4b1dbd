package dev.cloudimages.local;

import dev.cloudimages.plan.VariantPlan;
import dev.cloudimages.support.BuildException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Disk space, on both sides of the builder VM. On the host, work/ must hold the target disks of
 * the builds that run at once before any starts (a sparse disk grows as the guest writes; QEMU
 * reports a host write error to the guest rather than pausing, so a full host fails the build
 * promptly). In the guest, a script that fills the target disk fails with "No space left on
 * device"; both cases are named for what they are.
 */
final class DiskSpace {

    /** Below this the host disk counts as full when a build fails. */
    private static final long HOST_NEARLY_FULL = 64L << 20;

    private DiskSpace() {
    }

    /** Fails before any build when work/ cannot hold the largest {@code parallel} target disks at once. */
    static void checkHost(Path workDir, List<VariantPlan> builds, int parallel) {
        long needed = builds.stream().map(b -> BuildSettings.size(b.variant())).sorted(Comparator.reverseOrder())
                .limit(Math.max(1, parallel)).mapToLong(Long::longValue).sum();
        long free = usable(workDir);
        if (free >= 0 && free < needed) {
            throw new BuildException("not enough free space for " + Math.min(parallel, builds.size())
                    + " build(s) at once in " + workDir + ": their target disks need " + mib(needed) + ", the disk has "
                    + mib(free) + " free; free some space, lower --parallel or the variants' size");
        }
    }

    /** Why a failed build failed, when it was for lack of space; else empty. */
    static Optional<String> explain(Path workDir, Path consoleLog, VariantPlan build) {
        long free = usable(workDir);
        if (free >= 0 && free < HOST_NEARLY_FULL) {
            return Optional.of("the host disk holding " + workDir + " is full (" + mib(free)
                    + " free); free some space and run again");
        }
        try {
            if (Files.isRegularFile(consoleLog) && Files.readString(consoleLog).contains("No space left on device")) {
                return Optional.of("target disk full: raise `size` (now "
                        + build.variant().config().getOrDefault("size", "1G") + ")");
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static long usable(Path dir) {
        try {
            Path existing = dir;
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            return existing == null ? -1 : Files.getFileStore(existing).getUsableSpace();
        } catch (IOException e) {
            return -1;
        }
    }

    private static String mib(long bytes) {
        return (bytes >> 20) + " MiB";
    }
}
