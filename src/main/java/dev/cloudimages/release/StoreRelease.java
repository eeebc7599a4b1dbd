package dev.cloudimages.release;

import dev.cloudimages.cloud.PublishResult;
import dev.cloudimages.cloud.ReleaseHooks;
import dev.cloudimages.cloud.RemoteImage;
import dev.cloudimages.plan.LocalImages;
import dev.cloudimages.plan.VariantPlan;
import dev.cloudimages.store.ArtifactStore;
import dev.cloudimages.support.BuildClock;
import dev.cloudimages.support.BuildException;
import dev.cloudimages.support.Log;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The release's steps over the artifact store: upload (image, .sha512, then metadata, in that
 * order, so metadata never names a missing image), and, as the cloud step's hooks, the store's
 * copy of the image for a machine that did not build it, sign, and the metadata after import
 * and publish. Variants without a store pass through to today's work/-only behaviour.
 */
public final class StoreRelease implements ReleaseHooks {

    private final ReleaseStores stores;
    private final BuildClock clock;
    private final Map<String, String> env;
    private final Log log;
    private final StoredImageFiles files;

    public StoreRelease(ReleaseStores stores, BuildClock clock, Map<String, String> env, Log log) {
        this.stores = stores;
        this.clock = clock;
        this.env = env;
        this.log = log;
        this.files = new StoredImageFiles(log);
    }

    @Override
    public void upload(VariantPlan variant, LocalImages localImages) {
        LocalImages.Record record = ReleaseHooks.LOCAL_ONLY.localImage(variant, localImages);
        StoredState state = state(variant);
        String object = ReleaseStores.imageObject(variant.imageName(), record.file());
        log.info("[%s] uploading %s to %s as %s", variant.key(), record.file(), state.store().url(), object);
        String sha512 = files.upload(variant, state.store(), localImages.dir(variant.cloud(), variant.buildName()),
                record, object);
        state.write(state.fresh(record, object, sha512, localImages.dir(variant.cloud(), variant.buildName()))
                .withUploaded(clock.now().toString()));
        // a re-upload of the revision replaces its image: a signature of the old bytes must not stay
        state.store().delete(object + ".asc");
        log.info("[%s] uploaded %s/%s", variant.key(), state.store().url(), object);
    }

    @Override
    public LocalImages.Record localImage(VariantPlan variant, LocalImages localImages) {
        LocalImages.Inspection local = localImages.inspect(variant.cloud(), variant.buildName(), variant.inputHash());
        if (local.status() == LocalImages.Status.CURRENT || variant.store().isEmpty()) {
            return ReleaseHooks.LOCAL_ONLY.localImage(variant, localImages);
        }
        StoredState state = state(variant);
        ImageMetadata metadata = state.read().filter(ImageMetadata::isUploaded).orElseThrow(() -> new BuildException(
                "no current local image of " + variant.imageName() + " here and none in " + state.store().url()
                        + "; run './build upload' where it was built, or './build local' here"));
        if (!variant.inputHash().equals(metadata.inputHash())) {
            throw new BuildException("the stored " + metadata.file() + " in " + state.store().url()
                    + " was built from other inputs than this checkout's; build it here ('./build upload') or "
                    + "check out the commit it was built from");
        }
        return files.download(variant, state.store(), metadata, localImages.dir(variant.cloud(), variant.buildName()));
    }

    @Override
    public void imported(VariantPlan variant, RemoteImage image) {
        if (variant.store().isPresent()) {
            StoredState state = state(variant);
            state.write(state.current().withImported(clock.now().toString(), image.id(), image.region()));
        }
    }

    @Override
    public void sign(VariantPlan variant, LocalImages localImages) {
        String command = SigningCommand.of(variant.variant()).orElseThrow();
        LocalImages.Record record = localImage(variant, localImages);
        Path image = localImages.dir(variant.cloud(), variant.buildName()).resolve(record.file());
        StoredState state = state(variant);
        ImageMetadata metadata = state.current();
        String object = metadata.file() != null ? metadata.file()
                : ReleaseStores.imageObject(variant.imageName(), record.file());
        log.info("[%s] signing %s", variant.key(), image);
        Signer.Signed signed = new Signer(env).sign(command, image, variant.key());
        String signatureName = object + ".asc";
        try {
            state.store().write(signatureName, Files.readAllBytes(signed.signature()));
        } catch (java.io.IOException e) {
            throw new BuildException("cannot read " + signed.signature() + ": " + e.getMessage());
        }
        state.write(metadata.withSigned(clock.now().toString(), signatureName, signed.signer()));
        log.info("[%s] signed by %s: %s/%s", variant.key(), signed.signer(), state.store().url(), signatureName);
    }

    @Override
    public void published(VariantPlan variant, PublishResult result) {
        if (variant.store().isEmpty()) {
            return;
        }
        Map<String, String> regions = new TreeMap<>();
        result.regions().stream().filter(r -> !r.failed() && r.imageId() != null)
                .forEach(r -> regions.put(r.region(), r.imageId()));
        StoredState state = state(variant);
        ImageMetadata current = state.current();
        String now = clock.now().toString();
        state.write(current.withPublished(result.failures().isEmpty() ? now : current.published(), regions, now));
    }

    @Override
    public Map<String, String> releasing(VariantPlan variant) {
        return published(state(variant)).artifacts();
    }

    @Override
    public void release(VariantPlan variant) {
        StoredState state = state(variant);
        ImageMetadata current = published(state);
        state.write(current.withReleased(clock.now().toString()));
        log.info("[%s] released %s", variant.key(), variant.imageName());
    }

    private static ImageMetadata published(StoredState state) {
        ImageMetadata current = state.current();
        if (!current.isPublished()) {
            throw new BuildException(state.variant().imageName() + " is not published everywhere yet, so it is not "
                    + "released; run './build publish' until it is");
        }
        return current;
    }

    private StoredState state(VariantPlan variant) {
        ArtifactStore store = stores.store(variant.variant());
        return new StoredState(variant, store);
    }
}
