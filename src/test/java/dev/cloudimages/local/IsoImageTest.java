package dev.cloudimages.local;

import dev.cloudimages.testing.Tools;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Files read out of ISO images that xorriso made with Joliet, Rock Ridge, both, or neither. */
class IsoImageTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"-R -J", "-R", "-J", ""})
    void readsFilesByTheirAlpineNames(String extensions) throws Exception {
        Tools.require("xorriso");
        Path tree = dir.resolve("tree");
        byte[] kernel = new byte[5000 + 3 * 2048];
        Arrays.fill(kernel, (byte) 7);
        kernel[kernel.length - 1] = 42;
        Files.createDirectories(tree.resolve("boot"));
        Files.write(tree.resolve("boot/vmlinuz-virt"), kernel);
        Files.writeString(tree.resolve("boot/initramfs-virt"), "initramfs");
        Files.writeString(tree.resolve(".alpine-release"), "3.24.1\n");
        Path iso = dir.resolve("test.iso");
        List<String> command = new ArrayList<>(List.of("xorriso", "-as", "mkisofs", "-quiet", "-o", iso.toString()));
        if (!extensions.isBlank()) {
            command.addAll(List.of(extensions.split(" ")));
        }
        command.add(tree.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor() == 0, output);

        try (IsoImage image = IsoImage.open(iso)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertTrue(image.copy("boot/vmlinuz-virt", out));
            assertArrayEquals(kernel, out.toByteArray());
            out.reset();
            assertTrue(image.copy("/boot/initramfs-virt", out));
            assertArrayEquals("initramfs".getBytes(StandardCharsets.UTF_8), out.toByteArray());
            assertFalse(image.copy("boot/missing", new ByteArrayOutputStream()));
            assertFalse(image.copy("boot", new ByteArrayOutputStream()), "a directory is not a file");
        }
    }
}
