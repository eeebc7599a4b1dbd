package dev.cloudimages.plan;

import dev.cloudimages.cloud.CloudAdapters;
import dev.cloudimages.support.Log;

/**
 * What --revise removes, done only after the whole plan was made (and, for import and publish,
 * the clouds were found usable): a plan that fails half-way removes nothing.
 */
public final class Revisions {

    private Revisions() {
    }

    public static void apply(Plan plan, LocalImages localImages, CloudAdapters clouds, Log log) {
        apply(plan, localImages, StoredImages.NONE, clouds, log);
    }

    public static void apply(Plan plan, LocalImages localImages, StoredImages stored, CloudAdapters clouds, Log log) {
        for (VariantPlan variant : plan.variants()) {
            if (variant.removeLocal()) {
                log.warn("[%s] --revise: removing local image %s", variant.key(),
                        log.show(localImages.dir(variant.cloud(), variant.buildName())));
                localImages.remove(variant.cloud(), variant.buildName());
            }
            variant.removeRemote().ifPresent(image -> {
                log.warn("[%s] --revise: removing unpublished image %s", variant.key(), image.id());
                clouds.forCloud(variant.cloud()).adapter().orElseThrow().removeImage(image);
            });
            variant.removeStored().ifPresent(metadata -> {
                log.warn("[%s] --revise: removing unpublished %s from %s", variant.key(), metadata.name(),
                        variant.store().orElse("the store"));
                stored.remove(variant.variant(), metadata);
            });
        }
    }
}
