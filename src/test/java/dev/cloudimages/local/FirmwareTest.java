package dev.cloudimages.local;

import dev.cloudimages.support.BuildException;
import dev.cloudimages.support.Log;
import dev.cloudimages.testing.FixtureServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** UEFI firmware: the host's installed files first, else the Alpine package from the mirror. */
class FirmwareTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final Log log = new Log(new PrintStream(logBytes, true, StandardCharsets.UTF_8), false, false);

    @Test
    void hostFirmwareIsCopiedAndAarch64IsPaddedTo64MiB() throws Exception {
        Path code = Files.writeString(dir.resolve("CODE.fd"), "code");
        Path vars = Files.writeString(dir.resolve("VARS.fd"), "vars");
        Firmware firmware = new Firmware(dir.resolve("work/firmware"), Map.of("aarch64",
                List.of(new Firmware.Pair("/nonexistent/CODE.fd", "/nonexistent/VARS.fd"),
                        new Firmware.Pair(code.toString(), vars.toString()))), log);

        Firmware.Uefi uefi = firmware.uefi("aarch64", "http://127.0.0.1:9/unused", "3.24.1");

        assertEquals(dir.resolve("work/firmware/uefi-aarch64.bin"), uefi.code());
        assertEquals(64L << 20, Files.size(uefi.code()));
        assertEquals(64L << 20, Files.size(uefi.varsTemplate()));
        assertEquals("code", new String(Files.readAllBytes(uefi.code()), 0, 4, StandardCharsets.US_ASCII));
    }

    @Test
    void withoutHostFirmwareTheAlpinePackageIsUnpacked() throws Exception {
        Path tree = dir.resolve("pkg");
        Files.createDirectories(tree.resolve("usr/share/AAVMF"));
        Files.writeString(tree.resolve("usr/share/AAVMF/QEMU_EFI.fd"), "alpine code");
        Files.writeString(tree.resolve("usr/share/AAVMF/QEMU_VARS.fd"), "alpine vars");
        Files.writeString(tree.resolve(".PKGINFO"), "pkgname = aavmf\n");
        Path apk = dir.resolve("aavmf.apk");
        tar(apk, tree, ".PKGINFO", "usr");
        Path indexDir = Files.createDirectories(dir.resolve("index"));
        Files.writeString(indexDir.resolve("APKINDEX"),
                "C:Q1abc=\nP:ovmf\nV:1-r0\n\nC:Q1def=\nP:aavmf\nV:0.0.202508-r1\nA:aarch64\n\n");
        Path index = dir.resolve("APKINDEX.tar.gz");
        tar(index, indexDir, "APKINDEX");

        try (FixtureServer server = new FixtureServer()) {
            server.serve("/alpine/v3.24/community/aarch64/APKINDEX.tar.gz", Files.readAllBytes(index))
                    .serve("/alpine/v3.24/community/aarch64/aavmf-0.0.202508-r1.apk", Files.readAllBytes(apk));
            Firmware firmware = new Firmware(dir.resolve("work/firmware"), Map.of(), log);

            Firmware.Uefi uefi = firmware.uefi("aarch64", server.url("/alpine"), "3.24.1");

            byte[] code = Files.readAllBytes(uefi.code());
            assertEquals(64 << 20, code.length);
            assertArrayEquals("alpine code".getBytes(StandardCharsets.US_ASCII), java.util.Arrays.copyOf(code, 11));
            assertEquals(64L << 20, Files.size(uefi.varsTemplate()));
            assertTrue(logBytes.toString(StandardCharsets.UTF_8).contains("No UEFI firmware for aarch64 on this machine"));
        }
    }

    @Test
    void noFirmwareAnywhereSaysWhatToInstall() throws Exception {
        try (FixtureServer server = new FixtureServer()) {
            Firmware firmware = new Firmware(dir.resolve("work/firmware"), Map.of(), log);
            BuildException e = assertThrows(BuildException.class,
                    () -> firmware.uefi("x86_64", server.url("/alpine"), "3.24.1"));
            assertTrue(e.getMessage().contains("Debian/Ubuntu: ovmf"), e.getMessage());
            assertTrue(e.getMessage().contains("HTTP 404"), e.getMessage());
        }
    }

    private static void tar(Path archive, Path dir, String... entries) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("tar", "-czf", archive.toString(), "-C", dir.toString()));
        command.addAll(List.of(entries));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), output);
    }
}
