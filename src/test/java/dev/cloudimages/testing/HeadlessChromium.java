package dev.cloudimages.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A page opened in headless Chromium, as a person's browser would run it (scripts included): the
 * DOM after load, and a screenshot kept as a test artifact. Without chromium on the PATH the test
 * is skipped, saying so on stderr (scripts/install-deps installs it).
 */
public final class HeadlessChromium {

    private HeadlessChromium() {
    }

    /** The rendered DOM of {@code page}; the screenshot goes to {@code screenshot}. */
    public static String open(Path page, Path screenshot, Path scratch) throws IOException, InterruptedException {
        Path binary = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser").stream().map(Path::of)
                .filter(Files::isExecutable).findFirst().orElse(null);
        if (binary == null) {
            System.err.println("SKIPPED: chromium is not installed; the release catalog's index.html was not opened"
                    + " in a browser (apt-get install chromium)");
            Assumptions.abort("chromium is not installed");
        }
        Files.createDirectories(screenshot.getParent());
        Path profile = Files.createDirectories(scratch.resolve("chromium-profile"));
        Path dom = scratch.resolve("dom.html");
        Path log = scratch.resolve("chromium.log");
        Process process = new ProcessBuilder(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--no-first-run",
                "--user-data-dir=" + profile, "--window-size=1400,900", "--screenshot=" + screenshot, "--dump-dom",
                page.toUri().toString())
                .redirectOutput(dom.toFile()).redirectError(log.toFile()).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("chromium did not finish in 120 s; its log: " + Files.readString(log));
        }
        if (process.exitValue() != 0 || !Files.exists(screenshot)) {
            throw new AssertionError("chromium exited " + process.exitValue() + "; its log: " + Files.readString(log));
        }
        return Files.readString(dom, StandardCharsets.UTF_8);
    }
}
