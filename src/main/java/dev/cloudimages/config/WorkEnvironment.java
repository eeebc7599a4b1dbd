package dev.cloudimages.config;

import dev.cloudimages.support.AtomicFiles;
import dev.cloudimages.support.BuildException;
import dev.cloudimages.support.FileTrees;
import dev.cloudimages.support.Log;
import dev.cloudimages.support.PathDisplay;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The work/ directory. Its configs/ and scripts/ are derived: made from the project's own
 * directories and then each overlay's, in order, on every run, and replaced whenever that result
 * differs from what work/ holds, so an edit to a source or an overlay is never silently ignored.
 * The overlays of the last --custom are remembered in work/overlays.list for runs without one.
 * Installing is staged (and so checked) before anything in work/ changes: a collision leaves
 * work/ as it was. --clean empties everything derived or cached; built images stay unless
 * --clean-images is given too.
 */
public final class WorkEnvironment {

    public static final List<String> OVERLAYS = List.of("configs", "scripts");
    public static final String IMAGES_CONF = "images.conf";
    /** The --custom overlays the derived trees were last made with, one absolute path a line. */
    public static final String OVERLAYS_RECORD = "overlays.list";
    /** What --clean keeps: the built images, the lock this run holds. */
    private static final List<String> KEPT_BY_CLEAN = List.of("images", dev.cloudimages.support.WorkLock.FILE);

    private final Path projectDir;
    private final Path workDir;
    private final Log log;
    private final PathDisplay paths;

    public WorkEnvironment(Path projectDir, Path workDir, Log log) {
        this(projectDir, workDir, log, PathDisplay.at(projectDir));
    }

    public WorkEnvironment(Path projectDir, Path workDir, Log log, PathDisplay paths) {
        this.projectDir = projectDir.toAbsolutePath().normalize();
        this.workDir = workDir.toAbsolutePath().normalize();
        this.log = log;
        this.paths = paths;
    }

    public Path workDir() {
        return workDir;
    }

    /** --clean: removes everything work/ holds but the built images, the lock and the new trees. */
    private void clean(Map<String, Path> keep) throws IOException {
        log.info("Cleaning %s: everything derived or cached (built images in %s are kept)", display(workDir),
                display(workDir.resolve("images")));
        try (Stream<Path> entries = Files.list(workDir)) {
            for (Path entry : entries.sorted().toList()) {
                if (!KEPT_BY_CLEAN.contains(entry.getFileName().toString()) && !keep.containsValue(entry)) {
                    FileTrees.deleteRecursively(entry);
                }
            }
        }
    }

    /** --clean-images: every local image of every cloud, asked for by name. */
    private void cleanImages() throws IOException {
        Path images = workDir.resolve("images");
        if (Files.isDirectory(images)) {
            log.warn("--clean-images: deleting every local image in %s", display(images));
            FileTrees.deleteRecursively(images);
        }
    }

    /** Installs or refreshes configs/ and scripts/; returns the names it (re)installed. */
    public List<String> install(List<Path> customDirs) {
        return install(customDirs, false, false);
    }

    public List<String> install(List<Path> customDirs, boolean clean) {
        return install(customDirs, clean, false);
    }

    /**
     * Makes configs/ and scripts/ from the project and the overlays (this run's --custom, else
     * the remembered ones unless {@code clean}), and puts each in place when work/ has none or a
     * different one. The trees are staged first: an overlay that cannot be installed leaves work/,
     * built images and caches included, as it was.
     */
    public List<String> install(List<Path> customDirs, boolean clean, boolean cleanImages) {
        Map<String, Path> staged = new LinkedHashMap<>();
        try {
            Files.createDirectories(workDir);
            List<Path> overlays = overlays(customDirs, clean);
            List<Path> sources = sources(overlays);
            List<String> changed = new ArrayList<>();
            for (String overlay : OVERLAYS) {
                Path stage = Files.createTempDirectory(workDir, "." + overlay + ".staging-");
                staged.put(overlay, stage);
                makeReadable(stage);
                new OverlayInstaller(overlay, stage, log, this::display).installAll(sources);
                Path installed = workDir.resolve(overlay);
                if (clean || !Files.isDirectory(installed)) {
                    log.info("Installing %s from %s", display(installed), describe(sources, overlay));
                    changed.add(overlay);
                    continue;
                }
                List<String> differences = TreeDiff.between(installed, stage);
                if (differences.isEmpty()) {
                    log.info("%s is up to date with %s", display(installed), describe(sources, overlay));
                } else {
                    log.info("Re-installing %s from %s: changed since it was made: %s", display(installed),
                            describe(sources, overlay), summary(differences));
                    changed.add(overlay);
                }
            }
            if (clean) {
                clean(staged);
            }
            if (cleanImages) {
                cleanImages();
            }
            for (String overlay : changed) {
                replace(staged.get(overlay), workDir.resolve(overlay));
            }
            remember(overlays);
            return List.copyOf(changed);
        } catch (IOException e) {
            throw new BuildException("cannot install overlays into " + display(workDir) + ": " + AtomicFiles.describe(e));
        } finally {
            for (Path stage : staged.values()) {
                try {
                    FileTrees.deleteRecursively(stage);
                } catch (IOException e) {
                    log.warn("could not remove staging directory %s: %s", display(stage), AtomicFiles.describe(e));
                }
            }
        }
    }

    /** The overlays to apply: this run's, else the remembered ones (which must still exist), else none. */
    private List<Path> overlays(List<Path> customDirs, boolean clean) throws IOException {
        Path record = workDir.resolve(OVERLAYS_RECORD);
        List<Path> remembered = !Files.isRegularFile(record) ? List.of()
                : Files.readAllLines(record).stream().filter(l -> !l.isBlank()).map(Path::of).toList();
        if (!customDirs.isEmpty()) {
            List<Path> given = customDirs.stream().map(d -> d.toAbsolutePath().normalize()).distinct().toList();
            if (!remembered.isEmpty() && !remembered.equals(given)) {
                log.info("Overlays changed: %s before, now %s", shown(remembered), shown(given));
            }
            return given;
        }
        if (clean || remembered.isEmpty()) {
            return List.of();
        }
        for (Path dir : remembered) {
            if (!Files.isDirectory(dir)) {
                throw new BuildException("the overlay " + display(dir) + " (remembered in " + display(record)
                        + " from an earlier --custom) no longer exists; give --custom again, or --clean to"
                        + " build without overlays");
            }
        }
        log.info("Applying the overlays of an earlier run: %s (--custom to change them, --clean to drop them)",
                shown(remembered));
        return remembered;
    }

    private void remember(List<Path> overlays) {
        Path record = workDir.resolve(OVERLAYS_RECORD);
        if (overlays.isEmpty()) {
            AtomicFiles.deleteQuietly(record);
        } else {
            AtomicFiles.writeString(record, String.join("\n", overlays.stream().map(Path::toString).toList()) + "\n");
        }
    }

    /**
     * Puts a staged tree in place of the installed one. The old one is first renamed to a
     * staging name, so a run killed between the two renames leaves a leftover the next run
     * sweeps, never a half-deleted configs/.
     */
    private void replace(Path stage, Path installed) throws IOException {
        Path old = null;
        if (Files.exists(installed, LinkOption.NOFOLLOW_LINKS)) {
            old = workDir.resolve("." + installed.getFileName() + ".staging-replaced-" + ProcessHandle.current().pid());
            FileTrees.deleteRecursively(old);
            Files.move(installed, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(stage, installed, StandardCopyOption.ATOMIC_MOVE);
        if (old != null) {
            FileTrees.deleteRecursively(old);
        }
    }

    private static String summary(List<String> differences) {
        int shown = Math.min(differences.size(), 5);
        return String.join(", ", differences.subList(0, shown))
                + (differences.size() > shown ? " and " + (differences.size() - shown) + " more" : "");
    }

    private String shown(List<Path> dirs) {
        return String.join(" ", dirs.stream().map(this::display).toList());
    }

    /** Temporary directories are private (0700); the installed overlay is an ordinary directory. */
    private static void makeReadable(Path dir) throws IOException {
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: nothing to widen
        }
    }

    /** work/configs/images.conf, resolved to the top-level config file it points at. */
    public Path topLevelConfig() {
        Path link = workDir.resolve("configs").resolve(IMAGES_CONF);
        if (!Files.exists(link)) {
            throw new BuildException(display(link) + " is missing or points at a file that does not exist; "
                    + "configs/images.conf must be a symlink to the top-level config in the same directory");
        }
        if (Files.isSymbolicLink(link)) {
            try {
                return link.resolveSibling(Files.readSymbolicLink(link)).normalize();
            } catch (IOException e) {
                throw new BuildException("cannot read " + display(link) + ": " + AtomicFiles.describe(e));
            }
        }
        return link;
    }

    private List<Path> sources(List<Path> overlays) {
        LinkedHashSet<Path> unique = new LinkedHashSet<>();
        unique.add(projectDir);
        for (Path dir : overlays) {
            if (!Files.isDirectory(dir)) {
                throw new BuildException("--custom " + display(dir) + " is not a directory");
            }
            unique.add(dir);
        }
        return new ArrayList<>(unique);
    }

    private String describe(List<Path> sources, String overlay) {
        List<String> shown = new ArrayList<>();
        for (Path source : sources) {
            if (Files.isDirectory(source.resolve(overlay))) {
                shown.add(display(source.resolve(overlay)));
            }
        }
        return shown.isEmpty() ? "(nothing: no source has it)" : String.join(", ", shown);
    }

    String display(Path path) {
        return paths.show(path);
    }
}
