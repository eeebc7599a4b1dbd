package dev.cloudimages.config;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the project a run works on: the nearest directory at or above where the user stands that
 * holds configs/images.conf (its marker; a dangling link still marks it, and the configs step then
 * says what is wrong with it). A project's own work/ also holds configs/images.conf, so a work/
 * directory beside a marked parent is skipped: running inside work/ works on its project.
 */
public final class ProjectRoot {

    public static final Path MARKER = Path.of("configs", WorkEnvironment.IMAGES_CONF);

    private ProjectRoot() {
    }

    public static boolean isProject(Path dir) {
        return Files.exists(dir.resolve(MARKER), LinkOption.NOFOLLOW_LINKS);
    }

    /** The project at or above {@code start}, if any. */
    public static Optional<Path> find(Path start) {
        for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            if (!isProject(dir)) {
                continue;
            }
            Path parent = dir.getParent();
            if (dir.getFileName() != null && dir.getFileName().toString().equals("work") && parent != null
                    && isProject(parent)) {
                continue; // the derived copy in work/, not a project
            }
            return Optional.of(dir);
        }
        return Optional.empty();
    }
}
