package dev.cloudimages.faults;

import dev.cloudimages.cli.Cli;
import dev.cloudimages.config.ConfigsYaml;
import dev.cloudimages.plan.LocalImages;
import dev.cloudimages.testing.CliProject;
import dev.cloudimages.testing.CliRun;
import dev.cloudimages.testing.Fixtures;
import dev.cloudimages.testing.ProjectCopy;
import dev.cloudimages.testing.ReleasesServer;
import dev.cloudimages.testing.Tools;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input that used to give a silently wrong result or a confusing message (issue 11): each case
 * asserts the exit code, the one line that says what happened, and what is left in work/.
 */
class BadInputTest {

    @RegisterExtension
    static final ReleasesServer releases = new ReleasesServer();

    @TempDir
    Path project;
    private CliProject cli;
    private String err;
    private String out;

    @BeforeEach
    void setUp() {
        cli = CliProject.copy(project, releases).dated();
    }

    private int run(String... args) {
        CliRun run = cli.run(args);
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
        assertTrue(err.contains("--only aarch64 bios select none of the 120 variant(s)"), err);
        CliRun.assertOneLineError(run("state", "--only", "aarch64", "bios"), err,
                "--only aarch64 bios select none of the 120 variant(s) in work/configs.yaml, so there is nothing to state",
                "loosen the filters");
        assertFalse(Files.exists(project.resolve("work/actions.yaml")), "no plan written");
        assertEquals("", out, "no plan table");
        CliRun.assertOneLineError(run("import", "--skip", "aws", "oci", "gcp", "nocloud", "generic"), err,
                "--skip aws oci gcp nocloud generic select none of the 120 variant(s)", "nothing to import");
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

    @Test
    void aMissingClosingBraceNamesTheBraceThatIsNotClosed() {
        String config = custom("brace", "Default {\n  name = [ a ]\n# { in a comment\nx = \"{ in a string\"\n"
                + "Dimensions { version { \"3.24\" { } } }\n");
        CliRun.assertOneLineError(run("configs", "--custom", config), err,
                "HOCON syntax error in work/configs/brace.conf:1: '{' is never closed; add the missing '}'");
        assertFalse(Files.exists(project.resolve("work/configs.yaml")));
    }

    @Test
    void anUnknownStepIsNamedWithTheSteps() {
        assertEquals(Cli.USAGE, run("bild"));
        assertTrue(err.startsWith("build: unknown step 'bild'; steps: configs, state, rollback, local, upload, import, sign, publish, release, prune, plan\n"), err);
        assertEquals(Cli.USAGE, run("lcoal"));
        assertTrue(err.contains("unknown step 'lcoal'; did you mean 'local'?"), err);
        assertFalse(Files.exists(project.resolve("work")), "usage errors change nothing");
    }

    @Test
    void aWhenOfTheWrongShapeIsShownOnOneReadableLine() {
        String config = custom("whenlist", top("  arch { x86_64 { WHEN = [ \"a b\", { x = 1 } ] } }\n"));
        CliRun.assertOneLineError(run("configs", "--custom", config), err,
                "work/configs/whenlist.conf:4: Dimensions.arch.x86_64.WHEN must be a block of key blocks",
                "got list [\"a b\",{\"x\":1}]");
        assertFalse(err.contains("/tmp/"), err);
    }

    @Test
    void anEmptyVersionDimensionSaysItIsRequired() {
        String config = custom("emptyv", "Default { }\nDimensions { version { } }\n");
        CliRun.assertOneLineError(run("configs", "--custom", config), err,
                "work/configs/emptyv.conf:2: dimension 'version' has no keys; the version dimension is required");
        assertFalse(err.contains("remove it"), err);
    }

    @Test
    void aDamagedImageYamlIsOneLineInThePlanTable() throws IOException {
        String variant = "3.24-x86_64-uefi-tiny-vm-aws";
        assertEquals(Cli.OK, run("state", "--only", "3.24", "x86_64", "uefi", "tiny", "aws"), err);
        String buildName = ConfigsYaml.mapper().readTree(project.resolve("work/actions.yaml").toFile())
                .at("/" + variant + "/build_name").asText();
        Path dir = project.resolve("work/images/aws").resolve(buildName);
        Fixtures.write(dir, "image.qcow2", "x");
        Fixtures.write(dir, "image.yaml", "variant: [unclosed\nsize: {\n");
        assertEquals(Cli.OK, run("state", "--only", "3.24", "x86_64", "uefi", "tiny", "aws"), err);
        List<String> rows = out.lines().toList();
        assertEquals(2, rows.size(), "header and one row: " + out);
        assertTrue(rows.get(1).contains("local image is unusable: image.yaml is unreadable (not YAML at line "), out);
        assertTrue(Files.exists(dir.resolve("image.yaml")), "state changes nothing");
    }

    @Test
    void reportsAreWrittenWithTheUmaskNotPrivately() throws IOException {
        assertEquals(Cli.OK, run("state", "--only", "3.24", "x86_64", "uefi", "tiny", "aws"), err);
        Path reference = Files.createFile(project.resolve("made-with-the-umask"));
        Set<PosixFilePermission> expected = Files.getPosixFilePermissions(reference);
        assertTrue(expected.contains(PosixFilePermission.OWNER_READ) && expected.size() > 2,
                "this test needs a umask that leaves more than owner read/write: " + expected);
        assertEquals(expected, Files.getPosixFilePermissions(project.resolve("work/configs.yaml")));
        assertEquals(expected, Files.getPosixFilePermissions(project.resolve("work/actions.yaml")));
        // image.yaml and .sha256 are written the same way (AtomicFiles), inside a build
        Path record = project.resolve("work/images/aws/x/image.yaml");
        LocalImages.write(record.getParent(), new LocalImages.Record("v", "x", "x-r0", 0, "qcow2", "image.qcow2", 1,
                "00", "sha256:00", "2026-11-18T00:00:00Z"));
        assertEquals(expected, Files.getPosixFilePermissions(record));
    }

    @Test
    void localReviseChecksEverythingBeforeRemovingTheOldImage() throws IOException {
        String[] one = {"--only", "3.24", "x86_64", "bios", "tiny", "aws"};
        assertEquals(Cli.OK, run(concat(new String[] {"state"}, one)), err);
        String buildName = ConfigsYaml.mapper().readTree(project.resolve("work/actions.yaml").toFile())
                .at("/3.24-x86_64-bios-tiny-vm-aws/build_name").asText();
        Path image = Fixtures.write(project.resolve("work/images/aws").resolve(buildName), "image.qcow2", "old image");

        Fixtures.write(project, "bad.vars", "memroy = 2048\n");
        CliRun.assertOneLineError(run(concat(new String[] {"local", "--revise", "--vars", "bad.vars"}, one)), err,
                "memroy");
        assertTrue(Files.exists(image), "an unknown tunable removes nothing");
        assertFalse(err.contains("removing local image"), err);

        cli.env().put("PATH", Files.createDirectories(project.resolve("empty-bin")).toString());
        CliRun.assertOneLineError(run(concat(new String[] {"local", "--revise"}, one)), err,
                "qemu-system-x86_64 not found on PATH");
        assertTrue(Files.exists(image), "a missing program removes nothing");
        assertFalse(Files.exists(project.resolve("work/build")), "no scratch directory");
    }

    @Test
    void cleanChecksTheOverlaysBeforeEmptyingWork() throws IOException {
        assertEquals(Cli.OK, run("configs"), err);
        Path kept = Fixtures.write(project, "work/images/aws/old/image.qcow2", "a built image");
        Path clash = project.resolve("custom/clash");
        Fixtures.write(clash, "configs/cloud/aws.conf", "x = 1\n");
        CliRun.assertOneLineError(run("configs", "--clean", "--custom", clash.toString()), err,
                "overlay collision: configs/cloud/aws.conf", "work/ was left unchanged");
        assertTrue(Files.exists(kept), "work/ really was left unchanged");
        assertTrue(Files.exists(project.resolve("work/configs.yaml")));

        Path outside = project.resolve("custom/outside");
        Files.createDirectories(outside.resolve("configs"));
        Fixtures.write(project, "custom/elsewhere.conf", "x = 1\n");
        Files.createSymbolicLink(outside.resolve("configs/images.conf"), Path.of("../../elsewhere.conf"));
        CliRun.assertOneLineError(run("configs", "--clean", "--custom", outside.toString()), err,
                "custom/outside/configs/images.conf points at ../../elsewhere.conf, outside its own directory",
                "must be a symlink to the top-level config beside it", "work/ was left unchanged");
        assertFalse(err.contains("collision"), err);
        assertTrue(Files.exists(kept), "work/ really was left unchanged");
        try (var staging = Files.list(project.resolve("work"))) {
            assertFalse(staging.anyMatch(p -> p.getFileName().toString().contains("staging")), "no staging left");
        }
    }

    /** n dimensions of three keys each (d1a d1b d1c, ...), every variant kept. */
    private static String cube(int n) {
        StringBuilder dimensions = new StringBuilder();
        for (int d = 1; d <= n; d++) {
            dimensions.append("  d").append(d).append(" { d").append(d).append("a { }, d").append(d).append("b { }, d")
                    .append(d).append("c { } }\n");
        }
        return top(dimensions.toString());
    }

    @Test
    void aHugeDimensionProductIsRefusedAtOnce() {
        long started = System.nanoTime();
        CliRun.assertOneLineError(run("configs", "--custom", custom("huge", cube(13))), err,
                "the 14 dimensions make 1 x 3 x 3 x 3 x 3 x 3 x 3 x 3 x 3 x 3 x 3 x 3 x 3 x 3 = 1594323 candidate variants,"
                        + " more than the limit of 200000");
        assertTrue(System.nanoTime() - started < 10_000_000_000L, "refused without resolving");
        assertFalse(Files.exists(project.resolve("work/configs.yaml")));
    }

    @Test
    void tenDimensionsOfThreeKeysStillResolve() {
        assertEquals(Cli.OK, run("configs", "--custom", custom("cube", cube(10))), err);
        assertTrue(err.contains("Resolved 59049 image variant(s)"), err.lines().filter(l -> l.contains("Resolved"))
                .findFirst().orElse(err));
    }

    @Test
    void hostFreeSpaceIsCheckedBeforeAnyBuildStarts() {
        Tools.require("qemu-system-x86_64", "qemu-img", "mformat", "mcopy");
        cli.env().put("PATH", System.getenv("PATH"));
        String config = custom("big", "include required(\"alpine.conf\")\nMandatory.size = 1000000G\n");
        CliRun.assertOneLineError(run("local", "--custom", config, "--only", "3.24", "x86_64", "bios", "tiny", "aws"), err,
                "not enough free space for 1 build(s) at once in " + project.resolve("work")
                        + ": their target disks need 1024000000 MiB, the disk has ",
                "free some space, lower --parallel or the variants' size");
        assertFalse(Files.exists(project.resolve("work/build")), "no build started");
        assertFalse(err.contains("Downloading"), "nothing downloaded: " + err);
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
