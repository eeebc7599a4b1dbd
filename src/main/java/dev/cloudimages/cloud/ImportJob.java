package dev.cloudimages.cloud;

import java.nio.file.Path;

/**
 * One local image to import: who it is, the image file and its format as the local step wrote it,
 * the variant's cloud settings ({@code import.*}), and a scratch directory for conversions that
 * the adapter removes when it is done, and the journal where the adapter writes down what it is
 * about to make (so the next run can remove what a killed one left).
 */
public record ImportJob(ImageIdentity identity, Path imageFile, String format, long size, String sha256,
                        CloudSettings settings, Path scratchDir, ImportJournal journal) {

    /** A job whose journal is kept in memory only (tests calling an adapter directly). */
    public ImportJob(ImageIdentity identity, Path imageFile, String format, long size, String sha256,
                     CloudSettings settings, Path scratchDir) {
        this(identity, imageFile, format, size, sha256, settings, scratchDir, ImportJournal.inMemory());
    }
}
