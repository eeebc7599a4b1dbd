package dev.cloudimages.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The checksum files beside an image ({@code image.qcow2.sha256}, {@code image.qcow2.sha512}), one
 * line as sha256sum and sha512sum write it, so they can check it: {@code <hex>  <file name>}.
 */
public final class ChecksumFiles {

    private static final String SHA512 = "sha512";

    private ChecksumFiles() {
    }

    /** The line of a checksum file for {@code name}. */
    public static String line(String hex, String name) {
        return hex + "  " + name + "\n";
    }

    /** Writes {@code <file>.<extension>} ("sha256", "sha512") beside {@code file}. */
    public static void write(Path file, String extension, String hex) {
        String name = file.getFileName().toString();
        AtomicFiles.writeString(file.resolveSibling(name + "." + extension), line(hex, name));
    }

    /**
     * The SHA-512 of {@code file}: read from its .sha512 while that is current, else computed and the
     * .sha512 written again. Current means it names this file, holds a whole digest and is not older
     * than the file: bytes written after it (a rebuild by hand, a copy over it) would make it wrong.
     * The build writes it right after the image, so a multi-gigabyte image is hashed once, not again
     * on every upload.
     */
    public static String sha512(Path file) {
        String name = file.getFileName().toString();
        Path sidecar = file.resolveSibling(name + "." + SHA512);
        try {
            if (Files.isRegularFile(sidecar)
                    && Files.getLastModifiedTime(sidecar).compareTo(Files.getLastModifiedTime(file)) >= 0) {
                String[] fields = Files.readString(sidecar).trim().split("\\s+");
                if (fields.length == 2 && fields[0].matches("[0-9a-f]{128}") && fields[1].equals(name)) {
                    return fields[0];
                }
            }
        } catch (IOException e) {
            // an unreadable sidecar is not believed: computed below
        }
        String hex = Digests.hex(file, "SHA-512");
        write(file, SHA512, hex);
        return hex;
    }
}
