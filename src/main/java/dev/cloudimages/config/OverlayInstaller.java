package dev.cloudimages.config;

import dev.cloudimages.support.BuildException;
import dev.cloudimages.support.Log;

import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import static dev.cloudimages.config.WorkEnvironment.IMAGES_CONF;

/**
 * Copies one overlay (configs or scripts) from every source into a staging directory, remembering
 * who provided what: installing never overwrites a file, except that an overlay's images.conf
 * same-directory symlink re-points the top-level config.
 */
final class OverlayInstaller {
    private final String overlay;
    private final Path stage;
    private final Log log;
    private final Function<Path, String> display;
    private final Map<Path, Path> providedBy = new HashMap<>();

    OverlayInstaller(String overlay, Path stage, Log log, Function<Path, String> display) {
        this.overlay = overlay;
        this.stage = stage;
        this.log = log;
        this.display = display;
    }

    private String display(Path path) {
        return display.apply(path);
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
