package dev.cloudimages.cloud;

import dev.cloudimages.local.BuildSettings;
import dev.cloudimages.local.HostTools;
import dev.cloudimages.support.BuildException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Local image files in the form a cloud's upload needs (qemu-img does the converting). */
public final class DiskFiles {

    private static final Duration CONVERT_TIMEOUT = Duration.ofMinutes(30);

    private DiskFiles() {
    }

    /** qemu-img's name for a local image that qemu-img can read (a tar.gz it cannot). */
    static String qemuFormat(String format) {
        String qemu = BuildSettings.qemuFormat(format);
        if (qemu == null || format.equals("tar.gz")) {
            throw new BuildException("cannot convert a " + format + " image; use image_format qcow2, vhd or raw"
                    + " for this cloud");
        }
        return qemu;
    }

    /**
     * The image as a sparse raw file under {@code scratch} (the image itself when it is raw); the
     * caller removes {@code scratch} afterwards.
     */
    public static Path raw(Path image, String format, Path scratch, Map<String, String> env) {
        if (format.equals("raw")) {
            return image;
        }
        Path raw = scratch.resolve("disk.raw");
        try {
            Files.createDirectories(scratch);
        } catch (java.io.IOException e) {
            throw new BuildException("cannot create " + scratch + ": " + e.getMessage());
        }
        new HostTools(env).run(List.of("qemu-img", "convert", "-f", qemuFormat(format), "-O", "raw",
                image.toString(), raw.toString()), CONVERT_TIMEOUT, Map.of());
        return raw;
    }
}
