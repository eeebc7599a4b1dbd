package dev.cloudimages.sbom;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One package of an image, as apk's database of installed packages ({@code /lib/apk/db/installed})
 * records it: a block of {@code X:value} lines per package, blocks separated by a blank line. Only
 * the package's own fields are kept (P name, V version, A arch, L license, o origin, c the aports
 * commit it was built from, T description, U home page); the file lines (F, R, a, M, Z) are not.
 */
public record ApkPackage(String name, String version, String arch, String license, String origin, String commit,
                         String description, String url) {

    /** By name, then version: the database's own order follows the install order, not the content. */
    public static final Comparator<ApkPackage> ORDER = Comparator.comparing(ApkPackage::name)
            .thenComparing(ApkPackage::version);

    /** The packages of a database's text, sorted; a block without a name or version is an error. */
    public static List<ApkPackage> parseDatabase(String text) {
        List<ApkPackage> packages = new ArrayList<>();
        String[] fields = new String[8];
        int line = 0;
        int blockStart = 1;
        for (String raw : (text + "\n\n").split("\n", -1)) {
            line++;
            if (raw.isEmpty()) {
                if (java.util.Arrays.stream(fields).anyMatch(java.util.Objects::nonNull)) {
                    packages.add(of(fields, blockStart));
                }
                fields = new String[8];
                blockStart = line + 1;
                continue;
            }
            if (raw.length() < 2 || raw.charAt(1) != ':') {
                throw new IllegalArgumentException("line " + line + " is not an apk database line: " + raw);
            }
            int slot = "PVALocTU".indexOf(raw.charAt(0));
            if (slot >= 0 && fields[slot] == null) {
                fields[slot] = raw.substring(2);
            }
        }
        packages.sort(ORDER);
        return List.copyOf(packages);
    }

    private static ApkPackage of(String[] f, int line) {
        if (f[0] == null || f[1] == null) {
            throw new IllegalArgumentException("the package at line " + line + " has no " + (f[0] == null ? "P:" : "V:")
                    + " (name or version)");
        }
        return new ApkPackage(f[0], f[1], orEmpty(f[2]), orEmpty(f[3]), orEmpty(f[4]), orEmpty(f[5]), orEmpty(f[6]),
                orEmpty(f[7]));
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    /** The package URL (purl) of an Alpine package. */
    public String purl(String distroRelease) {
        StringBuilder purl = new StringBuilder("pkg:apk/alpine/").append(encode(name)).append('@').append(encode(version));
        String sep = "?";
        if (!arch.isEmpty()) {
            purl.append(sep).append("arch=").append(encode(arch));
            sep = "&";
        }
        if (!distroRelease.isEmpty()) {
            purl.append(sep).append("distro=alpine-").append(encode(distroRelease));
        }
        return purl.toString();
    }

    private static String encode(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (Character.isLetterOrDigit(c) && c < 128 || "-._~".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }
}
