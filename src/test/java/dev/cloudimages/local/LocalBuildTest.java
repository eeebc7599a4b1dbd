package dev.cloudimages.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cloudimages.cli.Cli;
import dev.cloudimages.cli.CliContext;
import dev.cloudimages.config.ConfigsYaml;
import dev.cloudimages.support.Digests;
import dev.cloudimages.testing.BuilderVms;
import dev.cloudimages.testing.FixtureServer;
import dev.cloudimages.testing.CliRun;
import dev.cloudimages.testing.Fixtures;
import dev.cloudimages.testing.ProjectCopy;
import dev.cloudimages.testing.TestBuilder;
import dev.cloudimages.testing.Tools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ./build local on the test overlay, through the real QEMU: the test builder boots, runs the
 * overlay's scripts, and the images it leaves boot by themselves (SeaBIOS, OVMF, AAVMF). Then
 * each way a build can fail: nothing at the image path, the log kept, no QEMU left running.
 */
class LocalBuildTest {

    private static final String ISO_X86 = "/mirror/v3.24/releases/x86_64/alpine-virt-3.24.1-x86_64.iso";
    private static FixtureServer server;

    @TempDir
    Path project;
    private final Map<String, String> env = new HashMap<>();
    private String err;
    private String out;

    @BeforeAll
    static void startServer() throws Exception {
        Tools.require("qemu-system-x86_64", "qemu-system-aarch64", "qemu-img", "mformat", "mcopy");
        Path builder = TestBuilder.prepare();
        server = new FixtureServer().serve("/releases.json", Fixtures.releasesJson())
                .serveTree("/mirror", builder.resolve("mirror"));
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @BeforeEach
    void setUp() throws IOException {
        ProjectCopy.into(project);
        env.put("PATH", System.getenv("PATH"));
        env.put("ALPINE_RELEASES_URL", server.url("/releases.json"));
        env.put("ALPINE_MIRROR", server.url("/mirror"));
        env.put("SOURCE_DATE_EPOCH", "1795000000");
        Files.writeString(project.resolve("tcg.conf"), "accel = tcg\n");
    }

    @AfterEach
    void noBuilderVmSurvives() {
        assertEquals(List.of(), BuilderVms.running(project), "QEMU processes left behind");
    }

    private int run(String... args) {
        CliRun run = CliRun.run(env, project, false, args);
        out = run.out();
        err = run.err();
        return run.code();
    }

    private Path imageDir(String arch, String firmware) {
        return project.resolve("work/images/aws/test-3.24.1-" + arch + "-" + firmware);
    }

    @Test
    void buildsImagesThatBootForEveryArchAndFirmware() throws Exception {
        TestBuilder.overlay(project.resolve("overlay"), "");
        int isoDownloads = server.requests(ISO_X86);

        assertEquals(Cli.OK, run("local", "--custom", "overlay", "--only", "aws", "--parallel", "2"), err);

        assertTrue(err.contains("Built 3 image(s)"), err);
        assertTrue(err.contains("KVM probe") || err.contains("KVM is not available") || err.contains("(probe passed)"),
                "acceleration is probed, never assumed: " + err);
        for (String[] variant : List.of(new String[]{"x86_64", "bios"}, new String[]{"x86_64", "uefi"},
                new String[]{"aarch64", "uefi"})) {
            Path dir = imageDir(variant[0], variant[1]);
            Path image = dir.resolve("image.qcow2");
            assertTrue(Files.isRegularFile(image), dir + " holds " + list(dir));
            assertEquals(qemuImg("check", image.toString()).contains("No errors were found"), true);
            assertTrue(qemuImg("info", image.toString()).contains("file format: qcow2"));
            String sha = Files.readString(dir.resolve("image.qcow2.sha256"));
            assertEquals(Digests.sha256(image) + "  image.qcow2\n", sha);
            JsonNode record = ConfigsYaml.mapper().readTree(dir.resolve("image.yaml").toFile());
            assertEquals("test-3.24.1-" + variant[0] + "-" + variant[1] + "-r0", record.get("image_name").asText());
            assertEquals("2026-11-18T11:06:40Z", record.get("built").asText(), "SOURCE_DATE_EPOCH, not the clock");
            sbomAndProvenance(dir, record, variant[0]);
            String buildLog = Files.readString(dir.resolve("build.log"));
            assertTrue(buildLog.contains(variant[0] + " " + variant[1] + " system installed"),
                    "the build log is kept beside the image");
            // the builder keeps the host's time (apk's TLS checks need it); the scripts get the epoch
            java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
            assertTrue(buildLog.contains("guest clock " + today + ", SOURCE_DATE_EPOCH=1795000000")
                            || buildLog.contains("guest clock " + today.minusDays(1) + ", SOURCE_DATE_EPOCH=1795000000"),
                    "the builder's clock is the host's and the scripts get SOURCE_DATE_EPOCH: " + buildLog);

            String console = BuilderVms.boot(image, variant[0], variant[1], project);
            assertTrue(console.contains("BUILD-TEST-SYSTEM-BOOTED arch=" + variant[0]),
                    variant[0] + " " + variant[1] + " did not boot its own init:\n" + console);
        }
        assertFalse(Files.exists(project.resolve("work/build/aws/test-3.24.1-x86_64-bios")), "scratch is removed");

        // a second run has nothing to do, and the ISO was downloaded once
        assertEquals(Cli.OK, run("local", "--custom", "overlay", "--only", "aws"), err);
        assertTrue(err.contains("Nothing to do"), err);
        assertEquals(isoDownloads + 1, server.requests(ISO_X86), "the cached ISO is verified, not downloaded again");
    }

    /**
     * The SBOM made from the apk database the install script handed back through BUILD_OUTPUT, its
     * checksums, and the provenance in image.yaml.
     */
    private static void sbomAndProvenance(Path dir, JsonNode record, String arch) throws Exception {
        JsonNode spdx = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve("image.spdx.json").toFile());
        assertEquals("SPDX-2.3", spdx.get("spdxVersion").asText());
        assertEquals(List.of("test-3.24.1-" + dir.getFileName().toString().substring("test-3.24.1-".length()) + "-r0",
                "busybox", "linux-virt"), spdx.get("packages").findValuesAsText("name"));
        String packages = Files.readString(dir.resolve("image.packages.tsv"));
        assertTrue(packages.contains("\nbusybox\t1.35.0-r0\t" + arch + "\tGPL-2.0-only\tbusybox\t"), packages);
        assertEquals(Digests.sha256(dir.resolve("image.spdx.json")) + "  image.spdx.json\n"
                + Digests.sha256(dir.resolve("image.packages.tsv")) + "  image.packages.tsv\n",
                Files.readString(dir.resolve("image.sbom.sha256")));
        assertEquals(Digests.sha256(dir.resolve("image.spdx.json")), record.at("/sbom/spdx_sha256").asText());
        assertEquals(2, record.at("/sbom/package_count").asInt());

        JsonNode provenance = record.get("provenance");
        String iso = "alpine-virt-3.24.1-" + arch + ".iso";
        assertEquals(iso, provenance.get("builder_iso").asText());
        String published = Files.readString(TestBuilder.prepare().resolve("mirror/v3.24/releases/" + arch + "/" + iso
                + ".sha256")).split(" ")[0];
        assertEquals(published, provenance.get("builder_iso_sha256").asText());
        assertTrue(provenance.get("kernel").asText().matches("6\\.1\\.\\d+-.*"), provenance.toString());
        assertEquals(record.get("input_hash").asText(), provenance.get("input_hash").asText());
        assertEquals(1795000000L, provenance.get("source_date_epoch").asLong());
        assertTrue(provenance.get("tool").asText().startsWith("build "), provenance.toString());
        assertTrue(provenance.get("tool_commit").asText().matches("[0-9a-f]{40}(-dirty)?|unknown"), provenance.toString());
        assertTrue(provenance.get("repositories").isArray(), provenance.toString());
    }

    @Test
    void imagesComeInTheCloudsFormats() throws Exception {
        TestBuilder.overlay(project.resolve("overlay"),
                "Mandatory { WHEN { bios { image_format = \"tar.gz\", size = 1G }, uefi { image_format = vhd } } }");

        assertEquals(Cli.OK, run("local", "--custom", "overlay", "--only", "x86_64", "aws", "--parallel", "2",
                "--vars", "tcg.conf"), err);

        Path tarball = imageDir("x86_64", "bios").resolve("image.tar.gz");
        Process tar = new ProcessBuilder("tar", "-tvzf", tarball.toString()).redirectErrorStream(true).start();
        String listing = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, tar.waitFor(), listing);
        assertTrue(listing.contains(" 1073741824 ") && listing.trim().endsWith("disk.raw"), "GCE's layout: " + listing);
        assertTrue(Files.size(tarball) < (64L << 20), "sparse and compressed: " + Files.size(tarball));
        assertTrue(listing.contains("0/0"), "owned by root: " + listing);
        Path vhd = imageDir("x86_64", "uefi").resolve("image.vhd");
        assertTrue(qemuImg("info", vhd.toString()).contains("file format: vpc"));
        assertEquals(Digests.sha256(vhd) + "  image.vhd\n", Files.readString(vhd.resolveSibling("image.vhd.sha256")));
    }

    @Test
    void aFailingScriptStopsTheBuildAndKeepsItsLog() throws Exception {
        TestBuilder.overlay(project.resolve("overlay"), "Mandatory { scripts = [ fail, never ] }",
                "fail", "#!/bin/sh\necho 'about to fail'\nexit 3\n",
                "never", "#!/bin/sh\necho 'must not run'\n");

        int code = run("local", "--custom", "overlay", "--only", "x86_64", "bios", "aws", "--vars", "tcg.conf");

        assertBuildFailed(code, "script 'fail' exited with status 3");
        Path log = project.resolve("work/build/aws/test-3.24.1-x86_64-bios/build.log");
        assertTrue(Files.readString(log).contains("about to fail"));
        assertFalse(Files.readString(log).contains("must not run"));
        assertTrue(err.contains("| about to fail"), "the log's tail is printed: " + err);
    }

    @Test
    void aBuildThatRunsTooLongIsStopped() throws Exception {
        TestBuilder.overlay(project.resolve("overlay"), "Mandatory { scripts = [ hang ] }",
                "hang", "#!/bin/sh\nsleep 600\n");
        // long enough for the install script before 'hang' on a loaded CI machine (it took over 15 s once)
        Files.writeString(project.resolve("tcg.conf"), "accel = tcg\nbuild_timeout.x86_64 = 40s\n");

        assertBuildFailed(run("local", "--custom", "overlay", "--only", "x86_64", "bios", "aws", "--vars", "tcg.conf"),
                "did not finish within 40 s", "script 'hang' was running");
    }

    @Test
    void qemuDyingMidBuildFailsTheBuild() throws Exception {
        // the guest kernel panics; with -no-reboot QEMU ends
        TestBuilder.overlay(project.resolve("overlay"), "Mandatory { scripts = [ crash ] }",
                "crash", "#!/bin/sh\necho 1 > /proc/sys/kernel/sysrq\necho c > /proc/sysrq-trigger\nsleep 60\n");

        assertBuildFailed(run("local", "--custom", "overlay", "--only", "x86_64", "bios", "aws", "--vars", "tcg.conf"),
                "QEMU ended", "before the scripts finished", "script 'crash' was running");
    }

    @Test
    void aTargetDiskThatFillsUpIsNamed() throws Exception {
        // writing past the end of the target disk is the guest's "disk full" (ENOSPC), as a large install would be
        TestBuilder.overlay(project.resolve("overlay"), "Mandatory { scripts = [ fill ] }",
                "fill", "#!/bin/sh\ndd if=/dev/zero of=/dev/vda bs=1M\n");

        assertBuildFailed(run("local", "--custom", "overlay", "--only", "x86_64", "bios", "aws", "--vars", "tcg.conf"),
                "target disk full: raise `size` (now 128M)");
    }

    @Test
    void aBadIsoChecksumIsRefused() throws Exception {
        TestBuilder.overlay(project.resolve("overlay"), "");
        try (FixtureServer bad = new FixtureServer()) {
            byte[] iso = Files.readAllBytes(TestBuilder.prepare().resolve(ISO_X86.substring(1)));
            bad.serve(ISO_X86, iso).serve(ISO_X86 + ".sha256", "0".repeat(64) + "  alpine-virt-3.24.1-x86_64.iso\n");
            env.put("ALPINE_MIRROR", bad.url("/mirror"));

            // checked once, before any build starts: one line, whichever builds need that ISO
            CliRun.assertOneLineError(run("local", "--custom", "overlay", "--only", "x86_64", "aws", "--vars", "tcg.conf"),
                    err, "checksum mismatch for " + bad.url(ISO_X86), "the download was discarded",
                    "2 build(s) need it (3.24-x86_64-bios-aws, 3.24-x86_64-uefi-aws); no build was started");
            assertFalse(err.contains("starting builder VM"), err);
        }
        try (Stream<Path> cached = Files.list(project.resolve("work/cache/iso"))) {
            assertEquals(List.of(), cached.filter(p -> p.toString().endsWith(".iso")).toList());
        }
    }

    @Test
    void aMissingQemuIsNamedWithItsPackage() throws Exception {
        TestBuilder.overlay(project.resolve("overlay"), "");
        env.put("PATH", project.resolve("empty-bin").toString());

        int code = run("local", "--custom", "overlay", "--only", "x86_64", "bios", "aws", "--vars", "tcg.conf");

        CliRun.assertOneLineError(code, err, "qemu-system-x86_64 not found on PATH", "apt-get install qemu-system-x86");
        assertFalse(Files.exists(imageDir("x86_64", "bios")));
    }

    @Test
    void aGceImageMustBeWholeGibibytes() throws Exception {
        TestBuilder.overlay(project.resolve("overlay"), "Mandatory { image_format = \"tar.gz\" }");
        CliRun.assertOneLineError(run("local", "--custom", "overlay", "--only", "x86_64", "bios", "aws", "--vars", "tcg.conf"),
                err, "size '128M' is not a whole number of GiB");
    }

    @Test
    void badTunablesAreNamed() throws Exception {
        TestBuilder.overlay(project.resolve("overlay"), "");
        Files.writeString(project.resolve("bad.conf"), "memroy = 2048\n");
        int code = run("local", "--custom", "overlay", "--only", "x86_64", "bios", "aws", "--vars", "bad.conf");
        assertEquals(Cli.FAILED, code, err);
        assertTrue(err.contains("unknown tunable 'memroy'"), err);
    }

    /** Exit 1, the summary names the variant and the reason, no stack trace, no image. */
    private void assertBuildFailed(int code, String... expected) throws IOException {
        assertEquals(Cli.FAILED, code, err);
        List<String> summary = err.lines().filter(l -> l.contains(" ERROR ") && l.contains("build(s) failed")).toList();
        assertEquals(1, summary.size(), err);
        for (String part : expected) {
            assertTrue(summary.get(0).contains(part), "expected '" + part + "' in: " + summary.get(0));
        }
        assertTrue(summary.get(0).contains("3.24-x86_64-bios-aws"), summary.get(0));
        assertFalse(err.contains("\tat "), err);
        assertFalse(Files.exists(imageDir("x86_64", "bios").resolve("image.qcow2")), "nothing at the image path");
        assertFalse(Files.exists(project.resolve("work/build/aws/test-3.24.1-x86_64-bios/target.raw")));
    }

    private static String qemuImg(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("qemu-img"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), output);
        return output;
    }

    private static List<String> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
