package dev.cloudimages;

import dev.cloudimages.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The launcher and every shell script under scripts/ and .ci/ pass shellcheck (installed by .ci/run). */
class ShellcheckTest {

    @Test
    void shellScriptsPassShellcheck() throws IOException, InterruptedException {
        assumeTrue(onPath("shellcheck"), "shellcheck is not installed (.ci/run installs it)");
        Path root = Fixtures.projectRoot();
        List<String> command = new ArrayList<>(List.of("shellcheck", "--external-sources"));
        command.add(root.resolve("build").toString());
        command.add(root.resolve(".ci/run").toString());
        try (Stream<Path> scripts = Files.isDirectory(root.resolve("scripts"))
                ? Files.walk(root.resolve("scripts")) : Stream.empty()) {
            scripts.filter(Files::isRegularFile).filter(ShellcheckTest::isShellScript).map(Path::toString).forEach(command::add);
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), output);
    }

    private static boolean isShellScript(Path file) {
        try {
            String firstLine = Files.readAllLines(file, StandardCharsets.UTF_8).stream().findFirst().orElse("");
            return firstLine.startsWith("#!") && (firstLine.contains("sh"));
        } catch (IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
