package dev.cloudimages.plan;

import dev.cloudimages.config.ResolvedVariant;
import dev.cloudimages.release.ImageMetadata;

import java.util.List;
import java.util.Optional;

/**
 * What one variant needs for the requested step, and why: its build and image names, the revision
 * and end of life it will carry, the actions left after looking at local and remote state.
 * {@code remote} is empty when the variant's cloud could not be asked (no adapter or credentials).
 * {@code removeLocal} and {@code removeRemote} are what --revise removes before the step runs;
 * {@code store} is the variant's artifact store URL, {@code stored} the newest metadata found
 * there for the build, and {@code removeStored} the stored revision --revise removes.
 * {@code where} is what exists where: the local file and, per region, the image and its state.
 */
public record VariantPlan(ResolvedVariant variant, String buildName, String imageName, int revision,
                          String endOfLife, List<Action> actions, LocalImages.Status local,
                          Optional<RemoteState> remote, String inputHash, List<String> why,
                          boolean removeLocal, Optional<dev.cloudimages.cloud.RemoteImage> removeRemote,
                          Optional<String> store, Optional<ImageMetadata> stored,
                          Optional<ImageMetadata> removeStored, Whereabouts where) {

    /** A plan without an artifact store. */
    public VariantPlan(ResolvedVariant variant, String buildName, String imageName, int revision,
                       String endOfLife, List<Action> actions, LocalImages.Status local,
                       Optional<RemoteState> remote, String inputHash, List<String> why,
                       boolean removeLocal, Optional<dev.cloudimages.cloud.RemoteImage> removeRemote) {
        this(variant, buildName, imageName, revision, endOfLife, actions, local, remote, inputHash, why,
                removeLocal, removeRemote, Optional.empty(), Optional.empty(), Optional.empty(), Whereabouts.NONE);
    }

    /** The stored metadata of this plan's revision, if the store has it. */
    public Optional<ImageMetadata> storedRevision() {
        return stored.filter(m -> m.revision() == revision);
    }

    /** What the cloud said: nothing, or its newest image for the build name. */
    public record RemoteState(Optional<dev.cloudimages.cloud.RemoteImage> image) {
        public String describe() {
            return image.map(i -> i.state() + " r" + i.revision() + " (" + i.id() + ")").orElse("none");
        }
    }

    public VariantPlan {
        actions = List.copyOf(actions);
        why = List.copyOf(why);
    }

    public String key() {
        return variant.key();
    }

    public String cloud() {
        return cloudOf(variant);
    }

    /** The cloud a variant is for: its "cloud" dimension key, else its "cloud" setting. */
    public static String cloudOf(ResolvedVariant variant) {
        return variant.dimensions().getOrDefault("cloud", String.valueOf(variant.config().get("cloud")));
    }

    public boolean has(Action action) {
        return actions.contains(action);
    }
}
