package dev.cloudimages.faults;

import dev.cloudimages.cli.Cli;
import dev.cloudimages.testing.CliRun;
import dev.cloudimages.testing.Fixtures;
import dev.cloudimages.testing.FixtureServer;
import dev.cloudimages.testing.ProjectCopy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input that used to give a silently wrong result or a confusing message (issue 11): each case
 * asserts the exit code, the one line that says what happened, and what is left in work/.
 */
class BadInputTest {

    private static FixtureServer server;

    @TempDir
    Path project;
    private final Map<String, String> env = new HashMap<>();
    private String err;
    private String out;

    @BeforeAll
    static void startServer() throws IOException {
        server = new FixtureServer().serve("/releases.json", Fixtures.releasesJson());
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @BeforeEach
    void setUp() {
        ProjectCopy.into(project);
        env.put("ALPINE_RELEASES_URL", server.url("/releases.json"));
        env.put("SOURCE_DATE_EPOCH", "1795000000"); // 2026-11-18
    }

    private int run(String... args) {
        CliRun run = CliRun.run(env, project, false, args);
        out = run.out();
        err = run.err();
        return run.code();
    }

    private String custom(String name, String content) {
        return ProjectCopy.overlayWithTopConfig(project, name, content).toString();
    }

    /** A small top-level config of its own: version 3.24 plus the given dimensions. */
    private static String top(String dimensions) {
        return "Default { name = [test] }\nDimensions {\n  version { \"3.24\" { } }\n" + dimensions + "}\nMandatory { }\n";
    }

    @Test
    void twoKeyCombinationsMakingOneVariantKeyAreAnError() {
        String config = custom("clash", top("  x { a-b { }, a { } }\n  y { c { }, b-c { } }\n"));
        CliRun.assertOneLineError(run("configs", "--custom", config), err,
                "two key combinations make the same variant key '3.24-a-b-c'",
                "(version=3.24, x=a-b, y=c) and (version=3.24, x=a, y=b-c)", "rename a key");
        assertFalse(Files.exists(project.resolve("work/configs.yaml")), "nothing written");
    }

    @Test
    void filtersThatSelectNothingFailTheStepButNotConfigs() {
        // both keys exist, but aarch64 excludes bios: no variant has both
        assertEquals(Cli.OK, run("configs", "--only", "aarch64", "bios"), err);
        assertTrue(err.contains("--only aarch64 bios select none of the 72 variant(s)"), err);
        CliRun.assertOneLineError(run("state", "--only", "aarch64", "bios"), err,
                "--only aarch64 bios select none of the 72 variant(s) in work/configs.yaml, so there is nothing to state",
                "loosen the filters");
        assertFalse(Files.exists(project.resolve("work/actions.yaml")), "no plan written");
        assertEquals("", out, "no plan table");
        CliRun.assertOneLineError(run("import", "--skip", "aws", "oci", "gcp"), err,
                "--skip aws oci gcp select none of the 72 variant(s)", "nothing to import");
    }

    @Test
    void unknownKeysInWhenAndExcludeAreWarnedWithTheNearestKey() {
        String config = custom("typo", top("  arch {\n    x86_64 { }\n    aarch64 {\n      EXCLUDE = [bois]\n    }\n  }\n"
                + "  firmware {\n    bios { }\n    uefi {\n      WHEN {\n        \"aarch46 x86_64\" { size = 2G }\n      }\n    }\n  }\n"));
        assertEquals(Cli.OK, run("configs", "--custom", config), err);
        assertTrue(err.contains("WARN  work/configs/typo.conf:7: Dimensions.arch.aarch64.EXCLUDE names 'bois', which no"
                + " dimension has, so it never matches; nearest key: 'bios'"), err);
        assertTrue(err.contains("WARN  work/configs/typo.conf:14: Dimensions.firmware.uefi.WHEN names 'aarch46'"), err);
        assertTrue(err.contains("nearest key: 'aarch64'"), err);
        assertEquals(2, err.lines().filter(l -> l.contains(" WARN ")).count(), err);
        assertTrue(Files.exists(project.resolve("work/configs.yaml")), "a warning, not an error");
    }

    @Test
    void theShippedConfigsAndTheExampleOverlayNameOnlyRealKeys() {
        assertEquals(Cli.OK, run("configs"), err);
        assertFalse(err.contains(" WARN "), err);
        // the example overlay removes clouds the shipped configs still name in WHEN blocks
        assertEquals(Cli.OK, run("configs", "--clean", "--custom", "overlays/example"), err);
        assertFalse(err.contains(" WARN "), err);
    }
}
