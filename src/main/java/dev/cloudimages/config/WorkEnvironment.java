package dev.cloudimages.config;

import dev.cloudimages.support.AtomicFiles;
import dev.cloudimages.support.BuildException;
import dev.cloudimages.support.FileTrees;
import dev.cloudimages.support.Log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The work/ directory. Its configs/ and scripts/ are installed from the project's own directories and
 * then each --custom overlay's, in order; an existing one is reused. Installing never overwrites a
 * file, except that an overlay's configs/images.conf same-directory symlink re-points the top-level
 * config. Installation is staged and renamed into place, so a failure leaves work/ as it was.
 */
public final class WorkEnvironment {

    public static final List<String> OVERLAYS = List.of("configs", "scripts");
    public static final String IMAGES_CONF = "images.conf";

    private final Path projectDir;
    private final Path workDir;
    private final Log log;

    public WorkEnvironment(Path projectDir, Path workDir, Log log) {
        this.projectDir = projectDir.toAbsolutePath().normalize();
        this.workDir = workDir.toAbsolutePath().normalize();
        this.log = log;
    }

    public Path workDir() {
        return workDir;
    }

    /** Removes everything work/ holds (but not work/ itself, its lock, or overlays staged to replace it). */
    private void clean(Map<String, Path> keep) {
        log.info("Cleaning work environment %s", display(workDir));
        if (!Files.isDirectory(workDir)) {
            return;
        }
        try (Stream<Path> entries = Files.list(workDir)) {
            for (Path entry : entries.sorted().toList()) {
                if (entry.getFileName().toString().equals(dev.cloudimages.support.WorkLock.FILE)
                        || keep.containsValue(entry)) {
                    continue; // held by this very run
                }
                FileTrees.deleteRecursively(entry);
            }
        } catch (IOException e) {
            throw new BuildException("cannot clean " + display(workDir) + ": " + AtomicFiles.describe(e));
        }
    }

    /** Installs the overlays that are missing from work/; returns the names it installed. */
    public List<String> install(List<Path> customDirs) {
        return install(customDirs, false);
    }

    /**
     * Installs the overlays that are missing from work/, or with {@code clean} empties work/ and
     * installs them all. The overlays are staged (and so checked) before anything is removed: an
     * overlay that cannot be installed leaves work/, built images and caches included, as it was.
     */
    public List<String> install(List<Path> customDirs, boolean clean) {
        List<Path> sources = sources(customDirs);
        Map<String, Path> staged = new LinkedHashMap<>();
        try {
            Files.createDirectories(workDir);
            for (String overlay : OVERLAYS) {
                if (!clean && Files.isDirectory(workDir.resolve(overlay))) {
                    log.info("Using existing '%s' in work environment (--clean to reinstall)", overlay);
                    if (!customDirs.isEmpty()) {
                        log.warn("--custom overlays are not applied to the existing work/%s; add --clean to apply them",
                                overlay);
                    }
                    continue;
                }
                log.info("Installing '%s' overlay in work environment from %s", overlay, describe(sources, overlay));
                Path stage = Files.createTempDirectory(workDir, "." + overlay + ".staging-");
                staged.put(overlay, stage);
                makeReadable(stage);
                new Installer(overlay, stage).installAll(sources);
            }
            if (clean) {
                clean(staged);
            }
            for (Map.Entry<String, Path> entry : staged.entrySet()) {
                Files.move(entry.getValue(), workDir.resolve(entry.getKey()), StandardCopyOption.ATOMIC_MOVE);
            }
            return List.copyOf(staged.keySet());
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

    private List<Path> sources(List<Path> customDirs) {
        LinkedHashSet<Path> unique = new LinkedHashSet<>();
        unique.add(projectDir);
        for (Path dir : customDirs) {
            Path absolute = dir.toAbsolutePath().normalize();
            if (!Files.isDirectory(absolute)) {
                throw new BuildException("--custom " + dir + " is not a directory");
            }
            unique.add(absolute);
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
        Path absolute = path.toAbsolutePath().normalize();
        return absolute.startsWith(projectDir) && !absolute.equals(projectDir)
                ? projectDir.relativize(absolute).toString() : absolute.toString();
    }

    /** Copies one overlay from every source into a staging directory, remembering who provided what. */
    private final class Installer {
        private final String overlay;
        private final Path stage;
        private final Map<Path, Path> providedBy = new HashMap<>();

        Installer(String overlay, Path stage) {
            this.overlay = overlay;
            this.stage = stage;
        }

        void installAll(List<Path> sources) throws IOException {
            for (Path source : sources) {
                Path from = source.resolve(overlay);
                if (!Files.isDirectory(from)) {
                    log.debug("%s does not exist, skipping", display(from));
                    continue;
                }
                List<Path> entries;
                // linked directories are followed; hidden files (.gitkeep, editor swap files) are not overlay content
                try (Stream<Path> walk = Files.walk(from, FileVisitOption.FOLLOW_LINKS)) {
                    entries = walk.filter(p -> !p.equals(from) && !isHidden(from.relativize(p))).sorted().toList();
                } catch (FileSystemLoopException | java.io.UncheckedIOException e) {
                    throw new BuildException(display(from) + " cannot be installed: " + e.getMessage()
                            + " (a symlink loop?); fix the links in the overlay");
                }
                for (Path entry : entries) {
                    installEntry(from, entry);
                }
            }
        }

        private void installEntry(Path from, Path entry) throws IOException {
            Path relative = from.relativize(entry);
            Path target = stage.resolve(relative);
            if (overlay.equals("configs") && relative.toString().equals(IMAGES_CONF) && !isImagesConfLink(relative, entry)
                    && (Files.isSymbolicLink(entry) || Files.exists(target, LinkOption.NOFOLLOW_LINKS))) {
                throw new BuildException(display(entry) + (Files.isSymbolicLink(entry)
                        ? " points at " + Files.readSymbolicLink(entry) + ", outside its own directory"
                        : " is not a symlink") + "; configs/images.conf must be a symlink to the top-level config"
                        + " beside it (e.g. ln -s my.conf configs/images.conf); work/ was left unchanged");
            }
            if (isImagesConfLink(relative, entry)) {
                Path linkTarget = Files.readSymbolicLink(entry);
                if (Files.isSymbolicLink(target)) {
                    log.debug("%s re-points %s/%s to %s", display(entry), overlay, relative, linkTarget);
                    Files.delete(target);
                } else if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                    throw collision(relative, entry);
                }
                Files.createSymbolicLink(target, linkTarget);
                providedBy.put(relative, entry);
                return;
            }
            if (Files.isDirectory(entry)) {
                if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                    return;
                }
                if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                    throw collision(relative, entry);
                }
                Files.createDirectories(target);
                providedBy.put(relative, entry);
                return;
            }
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                throw collision(relative, entry);
            }
            if (!Files.exists(entry)) {
                throw new BuildException(display(entry) + " is a symlink to a file that does not exist; fix or remove it");
            }
            Files.copy(entry, target, StandardCopyOption.COPY_ATTRIBUTES);
            providedBy.put(relative, entry);
        }

        private static boolean isHidden(Path relative) {
            for (Path part : relative) {
                if (part.toString().startsWith(".")) {
                    return true;
                }
            }
            return false;
        }

        /** Only configs/images.conf, and only as a link to a file in the same directory, may be replaced. */
        private boolean isImagesConfLink(Path relative, Path entry) throws IOException {
            if (!overlay.equals("configs") || !relative.toString().equals(IMAGES_CONF) || !Files.isSymbolicLink(entry)) {
                return false;
            }
            Path linkTarget = Files.readSymbolicLink(entry).normalize();
            return linkTarget.getNameCount() == 1 && !linkTarget.isAbsolute();
        }

        private BuildException collision(Path relative, Path entry) {
            Path first = providedBy.get(relative);
            return new BuildException("overlay collision: " + overlay + "/" + relative + " from " + display(entry)
                    + " would overwrite the one from " + (first == null ? "an earlier source" : display(first))
                    + "; overlays may add files but not replace them (rename yours, or include the original from it);"
                    + " work/ was left unchanged");
        }
    }
}
