package dev.cloudimages;

import dev.cloudimages.testing.Fixtures;
import dev.cloudimages.testing.Tools;
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

/** The launcher, .ci/run and every shell script the tool ships or the tests use pass shellcheck. */
class ShellcheckTest {

    @Test
    void shellScriptsPassShellcheck() throws IOException, InterruptedException {
        assumeTrue(Tools.onPath("shellcheck"), "shellcheck is not installed (scripts/install-deps installs it)");
        Path root = Fixtures.projectRoot();
        List<String> command = new ArrayList<>(List.of("shellcheck", "--external-sources"));
        command.add(root.resolve("build").toString());
        command.add(root.resolve(".ci/run").toString());
        // the VM scripts, the builder's runner and Alpine hook, the test builder, the provisioning
        // stub and the benchmarks
        for (String dir : List.of("scripts", "src/main/resources/dev/cloudimages/local", "src/test/builder",
                "src/test/resources/provisioning", "src/test/bench")) {
            try (Stream<Path> scripts = Files.walk(root.resolve(dir))) {
                scripts.filter(Files::isRegularFile).filter(ShellcheckTest::isShellScript).sorted().map(Path::toString)
                        .forEach(command::add);
            }
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
}
