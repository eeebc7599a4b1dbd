package dev.cloudimages.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/** A copy of the repository's configs/, scripts/ and overlays/ in a temporary project directory. */
public final class ProjectCopy {

    private ProjectCopy() {
    }

    public static Path into(Path target) {
        for (String dir : List.of("configs", "scripts", "overlays")) {
            copyTree(Fixtures.projectRoot().resolve(dir), target.resolve(dir));
        }
        return target;
    }

    private static void copyTree(Path from, Path to) {
        if (!Files.isDirectory(from)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path source : walk.sorted().toList()) {
                Path dest = to.resolve(from.relativize(source).toString());
                if (Files.isSymbolicLink(source)) {
                    Files.createSymbolicLink(dest, Files.readSymbolicLink(source));
                } else if (Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(source, dest, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An overlay whose images.conf points at a top-level config with the given content. */
    public static Path overlayWithTopConfig(Path project, String name, String content) {
        Path overlay = project.resolve("custom").resolve(name);
        Fixtures.write(overlay, "configs/" + name + ".conf", content);
        try {
            Files.createSymbolicLink(overlay.resolve("configs/images.conf"), Path.of(name + ".conf"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return overlay;
    }
}
