package dev.cloudimages.release;

import dev.cloudimages.config.ResolvedVariant;
import dev.cloudimages.plan.ImageNames;
import dev.cloudimages.plan.StoredImages;
import dev.cloudimages.store.ArtifactStore;
import dev.cloudimages.store.ArtifactStores;
import dev.cloudimages.store.StoreUrl;
import dev.cloudimages.support.BuildException;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The release's view of the artifact stores: which store a variant uses ({@code storage_url},
 * placeholders filled by the configs step) and the names in it. Layout, one store directory per
 * URL: {@code <image name>.<format>} (the image), {@code .sha512} beside it,
 * {@code <image name>.<format>.asc} (its signature), {@code <image name>.yaml} (its metadata),
 * {@code <build name>.lease} (who is working on the build now).
 */
public final class ReleaseStores implements StoredImages {

    public static final String KEY = "storage_url";
    private static final String METADATA = ".yaml";

    private final ArtifactStores stores;

    public ReleaseStores(ArtifactStores stores) {
        this.stores = stores;
    }

    @Override
    public Optional<String> storeOf(ResolvedVariant variant) {
        Object value = variant.config().get(KEY);
        if (value == null || value.toString().isBlank()) {
            return Optional.empty();
        }
        return Optional.of(StoreUrl.parse(value.toString(), "variant " + variant.key()).text());
    }

    /**
     * Whether any store's newest metadata for a planned build differs from what the plan saw:
     * asked once the leases are held, so a plan made while another machine worked is made again.
     */
    public boolean changedSince(dev.cloudimages.plan.Plan plan) {
        for (dev.cloudimages.plan.VariantPlan variant : plan.variants()) {
            if (variant.store().isPresent()) {
                Optional<ImageMetadata> now = latest(variant.variant(), variant.buildName());
                Optional<ImageMetadata> seen = variant.stored().isPresent() ? variant.stored()
                        : variant.removeStored();
                boolean sawOlder = seen.isEmpty() && now.isPresent() && now.get().revision() >= variant.revision();
                if (sawOlder || seen.isPresent() && !seen.equals(now)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The variant's store; only for variants that have one. */
    public ArtifactStore store(ResolvedVariant variant) {
        String url = storeOf(variant).orElseThrow(() -> new IllegalStateException(variant.key() + " has no store"));
        return stores.open(StoreUrl.parse(url, "variant " + variant.key()));
    }

    @Override
    public Optional<ImageMetadata> latest(ResolvedVariant variant, String buildName) {
        ArtifactStore store = store(variant);
        Pattern revisions = ImageNames.revisions(variant, METADATA);
        String newest = null;
        int newestRevision = -1;
        for (String name : store.list("")) {
            Matcher matcher = revisions.matcher(name);
            if (matcher.matches() && Integer.parseInt(matcher.group(1)) > newestRevision) {
                newestRevision = Integer.parseInt(matcher.group(1));
                newest = name;
            }
        }
        if (newest == null) {
            return Optional.empty();
        }
        return Optional.of(read(store, newest, buildName));
    }

    @Override
    public void remove(ResolvedVariant variant, ImageMetadata metadata) {
        ArtifactStore store = store(variant);
        store.delete(metadataName(metadata.name()));
        if (metadata.file() != null) {
            for (String suffix : java.util.List.of("", ".sha512", ".asc")) {
                store.delete(metadata.file() + suffix);
            }
        }
    }

    /** Any image's metadata in the store (prune reads every revision); one line when it does not parse. */
    public static ImageMetadata readMetadata(ArtifactStore store, String name) {
        return read(store, name, null);
    }

    /** The metadata stored under {@code name}; one line naming the object when it does not parse. */
    static ImageMetadata read(ArtifactStore store, String name, String buildName) {
        byte[] content = store.read(name).orElseThrow(() -> new BuildException("store " + store.url() + ": " + name
                + " went away while it was read; run this again"));
        try {
            ImageMetadata metadata = ImageMetadata.parse(content);
            if (buildName != null && metadata.buildName() != null && !metadata.buildName().equals(buildName)) {
                throw new IllegalArgumentException("it is for build " + metadata.buildName());
            }
            return metadata;
        } catch (IllegalArgumentException e) {
            throw new BuildException("store " + store.url() + ": " + name + " is not image metadata ("
                    + e.getMessage() + "); fix it or remove it (and its image) from the store, then run this again");
        }
    }

    public static String metadataName(String imageName) {
        return imageName + METADATA;
    }

    /** The image's name in the store: the image name with the local file's extension. */
    public static String imageObject(String imageName, String localFile) {
        String extension = localFile.startsWith("image.") ? localFile.substring("image.".length()) : localFile;
        return imageName + "." + extension;
    }

    public static String leaseName(String buildName) {
        return buildName + ".lease";
    }
}
