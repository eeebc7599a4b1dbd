package dev.cloudimages.cloud;

import dev.cloudimages.plan.LocalImages;
import dev.cloudimages.plan.VariantPlan;
import dev.cloudimages.support.BuildException;

import java.nio.file.Path;
import java.util.Locale;

/**
 * What the cloud step asks of the release around each variant's cloud work: the local image to
 * import (the artifact store's copy when this machine has none), and what to record once it is
 * imported, signed and published. Without a store, the local image is all there is and nothing is
 * recorded beyond work/.
 */
public interface ReleaseHooks {

    ReleaseHooks LOCAL_ONLY = new ReleaseHooks() {
    };

    /** The current local image of the variant, or a one-line reason there is none. */
    default LocalImages.Record localImage(VariantPlan variant, LocalImages localImages) {
        Path imageDir = localImages.dir(variant.cloud(), variant.buildName());
        LocalImages.Inspection local = localImages.verify(localImages.inspect(variant.cloud(), variant.buildName(),
                variant.inputHash()), variant.cloud(), variant.buildName(), true);
        if (local.status() == LocalImages.Status.DAMAGED) {
            throw new BuildException("image " + imageDir.resolve(local.record().orElseThrow().file())
                    + " is damaged (checksum): " + local.detail() + "; run './build local --revise --only "
                    + String.join(" ", variant.variant().dimensions().values()) + "' to rebuild it");
        }
        return local.record().filter(r -> local.status() == LocalImages.Status.CURRENT)
                .orElseThrow(() -> new BuildException("no current local image to import at " + imageDir
                        + " (" + local.status().name().toLowerCase(Locale.ROOT) + "); run './build local' first"));
    }

    /** Stores the variant's local image in its artifact store (planned UPLOAD). */
    default void upload(VariantPlan variant, LocalImages localImages) {
        throw new BuildException("variant " + variant.key() + " has no storage_url to upload to");
    }

    default void imported(VariantPlan variant, RemoteImage image) {
    }

    /** Signs the variant's image (planned SIGN), between import and publish. */
    default void sign(VariantPlan variant, LocalImages localImages) {
    }

    default void published(VariantPlan variant, PublishResult result) {
    }

    /**
     * The image ids, by region, of the variant's image about to be released; fails with one line
     * when it is not published everywhere yet. Asked before the clouds' "latest" pointers move.
     */
    default java.util.Map<String, String> releasing(VariantPlan variant) {
        throw notStored(variant);
    }

    /** Marks the variant's image released (planned RELEASE, after a publish that succeeded everywhere). */
    default void release(VariantPlan variant) {
        throw notStored(variant);
    }

    /**
     * RELEASE is planned only for variants with a store, so hooks without one never see it; they
     * fail rather than return nothing, which would skip the release without a word.
     */
    private static BuildException notStored(VariantPlan variant) {
        return new BuildException("variant " + variant.key() + " has no storage_url, so it has no release");
    }
}
