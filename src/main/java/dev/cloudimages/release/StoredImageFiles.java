package dev.cloudimages.release;

import dev.cloudimages.cloud.TransferProgress;
import dev.cloudimages.plan.LocalImages;
import dev.cloudimages.plan.VariantPlan;
import dev.cloudimages.store.ArtifactStore;
import dev.cloudimages.support.AtomicFiles;
import dev.cloudimages.support.BuildException;
import dev.cloudimages.support.ChecksumFiles;
import dev.cloudimages.support.Digests;
import dev.cloudimages.support.FileTrees;
import dev.cloudimages.support.Log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Moves image files between work/images and the store: up with a .sha512 sidecar (here and
 * there), down into a hidden directory that becomes the local image only once its size and both
 * digests match the metadata, so a damaged download never stands where an image belongs.
 */
final class StoredImageFiles {

    private final Log log;

    StoredImageFiles(Log log) {
        this.log = log;
    }

    /** Uploads the local image and its .sha512 (the build's, while it is current); returns the sha512. */
    String upload(VariantPlan variant, ArtifactStore store, Path imageDir, LocalImages.Record record, String object) {
        Path image = imageDir.resolve(record.file());
        String sha512 = ChecksumFiles.sha512(image);
        TransferProgress progress = TransferProgress.every5s(log, "[" + variant.key() + "] upload to " + store.url(),
                record.size());
        long[] last = {0};
        ArtifactStore.Uploaded uploaded = store.upload(image, object, (done, total) -> {
            progress.add(done - last[0]);
            last[0] = done;
        });
        progress.finish();
        uploaded.sweepFailure().ifPresent(why -> log.warn("[%s] could not look for leftovers of earlier uploads of %s"
                + " (they stay until removed by hand or a lifecycle rule): %s", variant.key(), object, why));
        int leftovers = uploaded.leftoversRemoved();
        if (leftovers > 0) {
            log.info("[%s] removed %d leftover temporary upload%s of %s from an earlier run (in %s)", variant.key(),
                    leftovers, leftovers == 1 ? "" : "s", object, store.url());
        }
        store.write(object + ".sha512",
                ChecksumFiles.line(sha512, object).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return sha512;
    }

    /**
     * Downloads the stored image of {@code metadata} into the variant's local image directory and
     * writes its image.yaml; the checksums are checked before anything lands there.
     */
    LocalImages.Record download(VariantPlan variant, ArtifactStore store, ImageMetadata metadata, Path imageDir) {
        if (metadata.file() == null || metadata.sha512() == null || metadata.format() == null) {
            throw new BuildException("store " + store.url() + ": "
                    + ReleaseStores.metadataName(variant.imageName()) + " names no image file and digest; "
                    + "upload the image again ('./build upload --revise' on a machine that has it)");
        }
        Path staging = imageDir.resolveSibling("." + imageDir.getFileName() + ".new");
        String file = "image." + metadata.format();
        try {
            FileTrees.deleteRecursively(staging);
            Files.createDirectories(staging);
            log.info("[%s] downloading %s from %s", variant.key(), metadata.file(), store.url());
            TransferProgress progress = TransferProgress.every5s(log, "[" + variant.key() + "] download",
                    metadata.size());
            long[] last = {0};
            store.download(metadata.file(), staging.resolve(file), (done, total) -> {
                progress.add(done - last[0]);
                last[0] = done;
            });
            progress.finish();
            long size = Files.size(staging.resolve(file));
            Map<String, String> digests = Digests.hexes(staging.resolve(file), "SHA-512", "SHA-256");
            String sha512 = digests.get("SHA-512");
            String sha256 = digests.get("SHA-256");
            if (size != metadata.size() || !sha512.equals(metadata.sha512())
                    || metadata.sha256() != null && !sha256.equals(metadata.sha256())) {
                throw new BuildException(store.url() + "/" + metadata.file()
                        + " does not match its metadata (" + (size != metadata.size() ? "size " + size + ", not "
                        + metadata.size() : "checksum") + "); it was not used: upload it again from the machine "
                        + "that built it, or run './build upload --revise'");
            }
            ChecksumFiles.write(staging.resolve(file), "sha256", sha256);
            ChecksumFiles.write(staging.resolve(file), "sha512", sha512);
            LocalImages.Record record = new LocalImages.Record(variant.key(), variant.buildName(),
                    variant.imageName(), variant.revision(), metadata.format(), file, size, sha256,
                    metadata.inputHash(), metadata.built() == null ? "unknown" : metadata.built());
            LocalImages.write(staging, record);
            FileTrees.deleteRecursively(imageDir);
            Files.createDirectories(imageDir.getParent());
            Files.move(staging, imageDir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            log.info("[%s] downloaded and verified (sha512) %s", variant.key(), imageDir.resolve(file));
            return record;
        } catch (IOException e) {
            throw new BuildException("cannot download " + metadata.file() + " from "
                    + store.url() + ": " + AtomicFiles.describe(e));
        } finally {
            try {
                FileTrees.deleteRecursively(staging);
            } catch (IOException ignored) {
                // the next run's sweep removes it
            }
        }
    }
}
