package dev.cloudimages;

import dev.cloudimages.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's two Quick start commands and its demo command stay what the project runs: the
 * set-up command is scripts/install-deps then ./build, .ci/run runs the same set-up script and ends
 * with exactly the README's test command, and the scripts named exist and are executable.
 */
class ReadmeQuickStartTest {

    private static final Pattern SH_BLOCK = Pattern.compile("(?m)^```sh\n(.*?)^```", Pattern.DOTALL);

    @Test
    void theQuickStartIsWhatCiRuns() throws IOException {
        Path root = Fixtures.projectRoot();
        List<String> blocks = shBlocks(section(root, "## Quick start"));
        assertEquals(2, blocks.size(), "one command to set up and run the main job, one to run the tests: " + blocks);
        assertEquals("scripts/install-deps && ./build local", blocks.get(0));
        List<String> ci = Files.readAllLines(root.resolve(".ci/run"), StandardCharsets.UTF_8).stream()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertEquals(blocks.get(1), ci.get(ci.size() - 1), ".ci/run ends with the README's test command");
        assertTrue(ci.contains("scripts/install-deps"), ".ci/run sets up with the README's script: " + ci);
        for (String script : List.of("scripts/install-deps", "build")) {
            assertTrue(Files.isExecutable(root.resolve(script)), script);
        }
    }

    @Test
    void theDemoCommandIsTheDemoScript() throws IOException {
        Path root = Fixtures.projectRoot();
        List<String> blocks = shBlocks(section(root, "## Offline demo"));
        assertEquals(1, blocks.size(), blocks.toString());
        assertTrue(blocks.get(0).startsWith("scripts/demo "), blocks.get(0));
        assertTrue(Files.isExecutable(root.resolve("scripts/demo")));
    }

    /** The README from the heading to the next heading of its level or above. */
    private static String section(Path root, String heading) throws IOException {
        String readme = Files.readString(root.resolve("README.md"), StandardCharsets.UTF_8);
        int start = readme.indexOf("\n" + heading);
        assertTrue(start >= 0, "README has no " + heading);
        int end = readme.indexOf("\n## ", start + 1);
        return readme.substring(start, end < 0 ? readme.length() : end);
    }

    private static List<String> shBlocks(String text) {
        List<String> blocks = new ArrayList<>();
        Matcher m = SH_BLOCK.matcher(text);
        while (m.find()) {
            blocks.add(m.group(1).strip());
        }
        return blocks;
    }
}
