package dev.cloudimages.local;

import dev.cloudimages.support.BuildException;
import dev.cloudimages.support.Digests;
import dev.cloudimages.support.Log;
import dev.cloudimages.testing.FixtureServer;
import dev.cloudimages.testing.Tools;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The builder ISO: verified before use, cached, re-verified, re-fetched only when damaged. */
class BootMediaTest {

    private static final String ISO = "/alpine/v3.24/releases/x86_64/alpine-virt-3.24.1-x86_64.iso";

    @TempDir
    Path dir;
    private byte[] iso;
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final Log log = new Log(new PrintStream(logBytes, true, StandardCharsets.UTF_8), false, false);

    @BeforeEach
    void makeIso() throws Exception {
        Tools.require("xorriso");
        Path tree = Files.createDirectories(dir.resolve("tree/boot"));
        Files.writeString(tree.resolve("vmlinuz-virt"), "kernel");
        Files.writeString(tree.resolve("initramfs-virt"), "initramfs");
        Path file = dir.resolve("test.iso");
        Process process = new ProcessBuilder("xorriso", "-as", "mkisofs", "-quiet", "-R", "-J", "-o", file.toString(),
                dir.resolve("tree").toString()).redirectErrorStream(true).start();
        assertEquals(0, process.waitFor(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        iso = Files.readAllBytes(file);
    }

    @Test
    void anIntactCachedIsoIsVerifiedAndReusedADamagedOneFetchedAgain() throws Exception {
        try (FixtureServer server = new FixtureServer()) {
            server.serve(ISO, iso).serve(ISO + ".sha256", sha256(iso) + "  alpine-virt-3.24.1-x86_64.iso\n");
            BootMedia media = new BootMedia(dir.resolve("cache"), log);

            BootMedia.BootFiles files = media.prepare(server.url("/alpine"), "3.24.1", "x86_64");
            assertEquals("kernel", Files.readString(files.kernel()));
            assertEquals("initramfs", Files.readString(files.initramfs()));
            media.prepare(server.url("/alpine"), "3.24.1", "x86_64");
            assertEquals(1, server.requests(ISO), "an intact ISO is not downloaded again");

            Files.write(files.iso(), "damaged".getBytes(StandardCharsets.UTF_8));
            media.prepare(server.url("/alpine"), "3.24.1", "x86_64");
            assertEquals(2, server.requests(ISO));
            assertTrue(logBytes.toString(StandardCharsets.UTF_8).contains("does not match its sha256; downloading it again"));
        }
        // offline: the checksum kept from before still verifies the cached ISO
        BootMedia offline = new BootMedia(dir.resolve("cache"), log);
        BootMedia.BootFiles files = offline.prepare("http://127.0.0.1:9/alpine", "3.24.1", "x86_64");
        assertEquals("kernel", Files.readString(files.kernel()));
        assertTrue(logBytes.toString(StandardCharsets.UTF_8).contains("using the checksum kept from before"));
    }

    @Test
    void sha512IsUsedWhenTheMirrorPublishesNoSha256() throws Exception {
        try (FixtureServer server = new FixtureServer()) {
            String sha512 = Digests.hex(Files.write(dir.resolve("x.iso"), iso), "SHA-512");
            server.serve(ISO, iso).serve(ISO + ".sha512", sha512 + "  alpine-virt-3.24.1-x86_64.iso\n");
            new BootMedia(dir.resolve("cache"), log).prepare(server.url("/alpine"), "3.24.1", "x86_64");
            assertTrue(logBytes.toString(StandardCharsets.UTF_8).contains("Downloading"));
        }
    }

    @Test
    void noChecksumMeansNoIso() throws Exception {
        try (FixtureServer server = new FixtureServer()) {
            server.serve(ISO, iso);
            BuildException e = assertThrows(BuildException.class,
                    () -> new BootMedia(dir.resolve("cache"), log).prepare(server.url("/alpine"), "3.24.1", "x86_64"));
            assertTrue(e.getMessage().contains("publishes no checksum"), e.getMessage());
            assertEquals(0, server.requests(ISO), "an unverifiable ISO is not even downloaded");
        }
    }

    @Test
    void anIsoWithoutTheAlpineBootFilesIsRefused() throws Exception {
        Files.delete(dir.resolve("tree/boot/initramfs-virt"));
        Process process = new ProcessBuilder("xorriso", "-as", "mkisofs", "-quiet", "-R", "-J", "-o",
                dir.resolve("other.iso").toString(), dir.resolve("tree").toString()).start();
        assertEquals(0, process.waitFor());
        byte[] other = Files.readAllBytes(dir.resolve("other.iso"));
        try (FixtureServer server = new FixtureServer()) {
            server.serve(ISO, other).serve(ISO + ".sha256", sha256(other) + "\n");
            BuildException e = assertThrows(BuildException.class,
                    () -> new BootMedia(dir.resolve("cache"), log).prepare(server.url("/alpine"), "3.24.1", "x86_64"));
            assertTrue(e.getMessage().contains("has no boot/initramfs-virt"), e.getMessage());
        }
        try (var files = Files.list(dir.resolve("cache/alpine-virt-3.24.1-x86_64.iso.boot"))) {
            assertFalse(files.anyMatch(f -> f.getFileName().toString().equals("from")), "no stamp for a failed extraction");
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
