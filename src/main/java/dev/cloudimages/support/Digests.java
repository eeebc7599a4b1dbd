package dev.cloudimages.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** File checksums as lower-case hex ("SHA-256", "SHA-512"). */
public final class Digests {

    private Digests() {
    }

    /** A fresh digest of an algorithm every JDK has ("SHA-256", "SHA-512", "MD5"). */
    public static MessageDigest newDigest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String hex(Path file, String algorithm) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = newDigest(algorithm);
            byte[] buffer = new byte[1 << 16];
            int read;
            while ((read = in.read(buffer)) >= 0) {
                digest.update(buffer, 0, read);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new BuildException("cannot read " + file + ": " + AtomicFiles.describe(e));
        }
    }

    /** Several digests of a file in one read (a multi-gigabyte image is read once, not once per digest). */
    public static java.util.Map<String, String> hexes(Path file, String... algorithms) {
        java.util.Map<String, MessageDigest> digests = new java.util.LinkedHashMap<>();
        for (String algorithm : algorithms) {
            digests.put(algorithm, newDigest(algorithm));
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            int read;
            while ((read = in.read(buffer)) >= 0) {
                for (MessageDigest digest : digests.values()) {
                    digest.update(buffer, 0, read);
                }
            }
        } catch (IOException e) {
            throw new BuildException("cannot read " + file + ": " + AtomicFiles.describe(e));
        }
        java.util.Map<String, String> hex = new java.util.LinkedHashMap<>();
        digests.forEach((algorithm, digest) -> hex.put(algorithm, HexFormat.of().formatHex(digest.digest())));
        return hex;
    }

    public static String sha256(Path file) {
        return hex(file, "SHA-256");
    }
}
