package dev.cloudimages.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The test builder (src/test/builder/prepare): an Alpine-layout ISO holding a Debian cloud kernel
 * and a busybox initramfs, served as a mirror, and the test overlay that installs a tiny bootable
 * system through the same local step as Alpine images. Prepared once and cached between runs.
 */
public final class TestBuilder {

    private static Path prepared;

    private TestBuilder() {
    }

    /** Runs prepare (cached: a second run downloads nothing) and returns its output directory. */
    public static synchronized Path prepare() throws IOException, InterruptedException {
        if (prepared != null) {
            return prepared;
        }
        String configured = System.getenv("BUILD_TEST_BUILDER");
        Path out = configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache", "cloudimages-test-builder");
        Path script = Fixtures.projectRoot().resolve("src/test/builder/prepare");
        Process process = new ProcessBuilder("bash", script.toString(), out.toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(20, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new AssertionError("src/test/builder/prepare failed:\n" + output);
        }
        prepared = out;
        return out;
    }

    /**
     * Writes the test overlay into {@code dir}: configs and the install script from the repository,
     * install.d from prepare's output, then any extra config text appended to test.conf and extra
     * scripts (name, content) added.
     */
    public static Path overlay(Path dir, String extraConfig, String... scripts) throws IOException, InterruptedException {
        Path source = Fixtures.projectRoot().resolve("src/test/builder/overlay");
        copyTree(source, dir);
        copyTree(prepare().resolve("install"), dir.resolve("scripts/install.d"));
        if (!extraConfig.isEmpty()) {
            Files.writeString(dir.resolve("configs/test.conf"), "\n" + extraConfig + "\n",
                    java.nio.file.StandardOpenOption.APPEND);
        }
        for (int i = 0; i + 1 < scripts.length; i += 2) {
            Path script = dir.resolve("scripts").resolve(scripts[i]);
            Files.writeString(script, scripts[i + 1]);
            script.toFile().setExecutable(true);
        }
        return dir;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.sorted().toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isSymbolicLink(path)) {
                    Files.createDirectories(target.getParent());
                    Files.createSymbolicLink(target, Files.readSymbolicLink(path));
                } else if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
