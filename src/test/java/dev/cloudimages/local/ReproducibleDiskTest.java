package dev.cloudimages.local;

import dev.cloudimages.cli.Cli;
import dev.cloudimages.testing.BuilderVms;
import dev.cloudimages.testing.CliRun;
import dev.cloudimages.testing.FixtureServer;
import dev.cloudimages.testing.Fixtures;
import dev.cloudimages.testing.ProjectCopy;
import dev.cloudimages.testing.TestBuilder;
import dev.cloudimages.testing.Tools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Reproducible disks: the test builder's images (x86_64 BIOS and UEFI, aarch64 UEFI under TCG's
 * emulated Cortex-A57), built twice from the same inputs and
 * SOURCE_DATE_EPOCH (the second time with --revise, in fresh VMs), are the same raw disks byte for
 * byte (but for the ESP's FAT creation-time hundredths, named below), and so are their SBOMs; a different SOURCE_DATE_EPOCH gives a different disk, so the
 * comparison can see a difference. A difference is reported as the byte ranges that differ, with
 * the partition and offset each falls in.
 */
class ReproducibleDiskTest {

    private static FixtureServer server;

    @TempDir
    Path project;

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

    @Test
    void theSameInputsGiveTheSameRawDisks() throws Exception {
        // one vCPU: ext4 allocates blocks from per-CPU groups, so with two the layout follows the scheduler
        ProjectCopy.into(project);
        TestBuilder.overlay(project.resolve("overlay"), "Mandatory { image_format = raw }");
        Files.writeString(project.resolve("tcg.conf"), "accel = tcg\ncpus = 1\n");
        Map<String, String> env = new HashMap<>(Map.of("PATH", System.getenv("PATH"),
                "ALPINE_RELEASES_URL", server.url("/releases.json"), "ALPINE_MIRROR", server.url("/mirror"),
                "SOURCE_DATE_EPOCH", "1795000000"));
        // arch-firmware: the test overlay's aws variants
        List<String> variants = List.of("x86_64-bios", "x86_64-uefi", "aarch64-uefi");

        build(env, "local", "--custom", "overlay", "--only", "aws", "--parallel", "2", "--vars", "tcg.conf");
        Path first = Files.createDirectories(project.resolve("first"));
        for (String variant : variants) {
            for (String file : List.of("image.raw", "image.spdx.json", "image.packages.tsv")) {
                Files.copy(image(variant).resolve(file), first.resolve(variant + "-" + file));
            }
        }

        build(env, "local", "--revise", "--only", "aws", "--parallel", "2", "--vars", "tcg.conf");
        for (String variant : variants) {
            List<String> differ = differences(first.resolve(variant + "-image.raw"), image(variant).resolve("image.raw"));
            // the one difference left: FAT stamps a directory entry's creation time in hundredths
            // of a second (its byte 13), finer than the test builder can hold its clock still
            assertEquals(List.of(), differ.stream().filter(d -> !fatCreationHundredths(d)).toList(),
                    variant + ": the raw disks differ");
            for (String file : List.of("image.spdx.json", "image.packages.tsv")) {
                assertEquals(Files.readString(first.resolve(variant + "-" + file)),
                        Files.readString(image(variant).resolve(file)), variant + ": " + file);
            }
        }

        // the comparison sees what differs: another SOURCE_DATE_EPOCH stamps other times
        env.put("SOURCE_DATE_EPOCH", "1795000600");
        build(env, "local", "--revise", "--only", "x86_64", "bios", "aws", "--vars", "tcg.conf");
        List<String> other = differences(first.resolve("x86_64-bios-image.raw"), image("x86_64-bios").resolve("image.raw"));
        assertNotEquals(List.of(), other);
        assertEquals(List.of(), BuilderVms.running(project), "QEMU processes left behind");
    }

    /** A 1-byte difference at byte 13 of a 32-byte directory entry on the ESP (p1). */
    private static boolean fatCreationHundredths(String difference) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("p1\\+(\\d+) \\(1 bytes\\)").matcher(difference);
        return m.matches() && Long.parseLong(m.group(1)) % 32 == 13;
    }

    private void build(Map<String, String> env, String... args) {
        CliRun run = CliRun.run(env, project, false, args);
        assertEquals(Cli.OK, run.code(), run.err());
    }

    private Path image(String archFirmware) {
        return project.resolve("work/images/aws/test-3.24.1-" + archFirmware);
    }

    /**
     * The byte ranges where two disks differ (at most 20), each named by the test overlay's
     * partition it falls in (p1 the FAT ESP from sector 2048, p2 the ext2 root from sector 133120)
     * and the offset there, so a failure says which structure changed (an ext2 superblock copy
     * sits at 1024 and at each sparse group's start, FAT's volume id at 67).
     */
    static List<String> differences(Path a, Path b) throws IOException {
        List<String> ranges = new ArrayList<>();
        if (Files.size(a) != Files.size(b)) {
            return List.of("sizes " + Files.size(a) + " and " + Files.size(b));
        }
        try (InputStream x = Files.newInputStream(a); InputStream y = Files.newInputStream(b)) {
            byte[] bx = new byte[1 << 20];
            byte[] by = new byte[1 << 20];
            long base = 0;
            long start = -1;
            int n;
            while ((n = x.readNBytes(bx, 0, bx.length)) > 0) {
                y.readNBytes(by, 0, n);
                for (int i = 0; i < n; i++) {
                    long at = base + i;
                    boolean differs = bx[i] != by[i];
                    if (differs && start < 0) {
                        start = at;
                    } else if (!differs && start >= 0) {
                        ranges.add(describe(start, at));
                        start = -1;
                        if (ranges.size() == 20) {
                            return ranges;
                        }
                    }
                }
                base += n;
            }
            if (start >= 0) {
                ranges.add(describe(start, base));
            }
        }
        return ranges;
    }

    private static String describe(long from, long to) {
        long p1 = 2048L * 512;
        long p2 = 133120L * 512;
        String where = from >= p2 ? "p2+" + (from - p2) : from >= p1 ? "p1+" + (from - p1) : "disk+" + from;
        return where + " (" + (to - from) + " bytes)";
    }
}
