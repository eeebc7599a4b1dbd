package dev.cloudimages.cloud;

import java.nio.file.Path;

/**
 * One local image to import: who it is, the image file and its format as the local step wrote it,
 * the variant's cloud settings ({@code import.*}), and a scratch directory for conversions that
 * the adapter removes when it is done.
 */
public record ImportJob(ImageIdentity identity, Path imageFile, String format, long size, String sha256,
                        CloudSettings settings, Path scratchDir) {
}
