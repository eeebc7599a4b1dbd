package dev.cloudimages.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test fixtures: the shipped releases.json copy and small file-writing helpers. */
public final class Fixtures {

    private Fixtures() {
    }

    public static String releasesJson() {
        try (var in = Fixtures.class.getResourceAsStream("/fixtures/releases.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path write(Path dir, String relative, String content) {
        try {
            Path file = dir.resolve(relative);
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The repository root (tests run with the module directory as working directory). */
    public static Path projectRoot() {
        String configured = System.getProperty("project.root");
        return Path.of(configured != null && !configured.isBlank() ? configured : "").toAbsolutePath();
    }
}
