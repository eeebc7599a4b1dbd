package dev.cloudimages.local;

import dev.cloudimages.config.ResolvedVariant;
import dev.cloudimages.support.BuildException;

import java.util.Locale;
import java.util.Map;

/** The variant settings the local step reads, each checked in one place with a message naming the variant. */
public final class BuildSettings {

    /** image_format -> qemu-img output format; tar.gz is a raw disk.raw in a gzipped tar (as GCE imports). */
    static final Map<String, String> FORMATS = Map.of("qcow2", "qcow2", "vhd", "vpc", "raw", "raw",
            "tar.gz", "raw");
    private BuildSettings() {
    }

    /** qemu-img's name for one of the local step's image formats (tar.gz: its raw disk.raw). */
    public static String qemuFormat(String format) {
        return FORMATS.get(format);
    }

    static String format(ResolvedVariant variant) {
        String format = String.valueOf(variant.config().getOrDefault("image_format", "qcow2"));
        if (!FORMATS.containsKey(format)) {
            throw new BuildException("variant " + variant.key() + ": image_format '" + format
                    + "' is not one of " + String.join(", ", FORMATS.keySet().stream().sorted().toList()));
        }
        return format;
    }

    /** "1G", "512M", "2048K" or bytes. */
    static long size(ResolvedVariant variant) {
        String text = String.valueOf(variant.config().getOrDefault("size", "1G")).trim().toUpperCase(Locale.ROOT);
        try {
            long multiplier = switch (text.isEmpty() ? ' ' : text.charAt(text.length() - 1)) {
                case 'K' -> 1L << 10;
                case 'M' -> 1L << 20;
                case 'G' -> 1L << 30;
                case 'T' -> 1L << 40;
                default -> 1;
            };
            String number = multiplier == 1 ? text : text.substring(0, text.length() - 1);
            long bytes = Long.parseLong(number.trim()) * multiplier;
            if (bytes < (16L << 20)) {
                throw new NumberFormatException();
            }
            if (format(variant).equals("tar.gz") && bytes % (1L << 30) != 0) {
                throw new BuildException("variant " + variant.key() + ": size '" + variant.config().get("size")
                        + "' is not a whole number of GiB, which a tar.gz (GCE) image must be; use 1G, 2G, ...");
            }
            return bytes;
        } catch (NumberFormatException e) {
            throw new BuildException("variant " + variant.key() + ": size '" + variant.config().get("size")
                    + "' is not a disk size of at least 16M (like 1G or 512M)");
        }
    }

    /**
     * The release the builder VM runs: the version's own, or for edge (no ISO) the newest stable
     * one, which the configs step sets as builder_release.
     */
    static String builderRelease(ResolvedVariant variant) {
        return variant.config().containsKey("builder_release") ? text(variant, "builder_release")
                : text(variant, "release");
    }

    static String text(ResolvedVariant variant, String key) {
        Object value = variant.config().get(key);
        if (value == null || value.toString().isBlank()) {
            throw new BuildException("variant " + variant.key() + " has no '" + key + "'");
        }
        return value.toString();
    }
}
