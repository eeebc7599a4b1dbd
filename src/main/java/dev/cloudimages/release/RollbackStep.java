package dev.cloudimages.release;

import dev.cloudimages.cloud.CloudAdapters;
import dev.cloudimages.cloud.RemoteImage;
import dev.cloudimages.plan.LocalImages;
import dev.cloudimages.plan.Plan;
import dev.cloudimages.plan.VariantPlan;
import dev.cloudimages.support.BuildException;
import dev.cloudimages.support.Log;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code rollback}: undoes import, upload and local build of the selected variants' current
 * revision — the reference's rule: only for images neither published nor released. Every
 * selected variant is checked first; if any is published, nothing is removed at all.
 */
public final class RollbackStep {

    private final Log log;

    public RollbackStep(Log log) {
        this.log = log;
    }

    public int run(Plan plan, LocalImages localImages, ReleaseStores stores, CloudAdapters clouds) {
        List<String> refused = new ArrayList<>();
        for (VariantPlan variant : plan.variants()) {
            Optional<RemoteImage> remote = variant.remote().flatMap(VariantPlan.RemoteState::image);
            if (remote.filter(RemoteImage::published).isPresent()
                    || variant.stored().filter(m -> m.isPublished() || m.isReleased()).isPresent()) {
                refused.add(variant.key() + " (" + variant.imageName() + ")");
            }
        }
        if (!refused.isEmpty()) {
            throw new BuildException("rollback refused: " + String.join(", ", refused) + " " + (refused.size() == 1
                    ? "is" : "are") + " published or released, and a published image is never rolled back; leave "
                    + (refused.size() == 1 ? "it" : "them") + " out with --only/--skip, or use --revise to make the "
                    + "next revision");
        }
        int removed = 0;
        for (VariantPlan variant : plan.variants()) {
            boolean any = false;
            Optional<RemoteImage> remote = variant.remote().flatMap(VariantPlan.RemoteState::image);
            if (remote.isPresent()) {
                log.info("[%s] removing imported %s", variant.key(), remote.get().id());
                clouds.forCloud(variant.cloud()).adapter().orElseThrow().removeImage(remote.get());
                any = true;
            }
            if (variant.stored().isPresent()) {
                log.info("[%s] removing %s from %s", variant.key(), variant.stored().get().name(),
                        variant.store().orElseThrow());
                stores.remove(variant.variant(), variant.stored().get());
                any = true;
            }
            if (variant.local() != LocalImages.Status.ABSENT) {
                log.info("[%s] removing local image %s", variant.key(),
                        localImages.dir(variant.cloud(), variant.buildName()));
                localImages.remove(variant.cloud(), variant.buildName());
                any = true;
            }
            removed += any ? 1 : 0;
        }
        log.info(removed == 0 ? "Nothing to roll back" : "Rolled back %d variant(s)", removed);
        return 0;
    }
}
