package dev.cloudimages.release;

import dev.cloudimages.plan.LocalImages;
import dev.cloudimages.plan.VariantPlan;
import dev.cloudimages.store.ArtifactStore;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One variant's revision in its store: reads and writes its metadata. Writes happen only under
 * the build's lease (see {@link Leases}), so read-modify-write cannot lose another machine's step.
 */
record StoredState(VariantPlan variant, ArtifactStore store) {

    String metadataName() {
        return ReleaseStores.metadataName(variant.imageName());
    }

    Optional<ImageMetadata> read() {
        if (store.stat(metadataName()).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(ReleaseStores.read(store, metadataName(), variant.buildName()));
    }

    void write(ImageMetadata metadata) {
        store.write(metadataName(), metadata.toYaml());
    }

    /**
     * The metadata of a new upload of the plan's revision: identity, the image file, and from the
     * local image's image.yaml its SBOM files (names, sha256s) and provenance; nothing done yet.
     */
    ImageMetadata fresh(LocalImages.Record record, String objectName, String sha512, java.nio.file.Path imageDir) {
        return unrecorded().withImageFile(record.built(), objectName, record.format(), record.size(), record.sha256(),
                sha512, LocalImages.block(imageDir, "sbom"), LocalImages.block(imageDir, "provenance"));
    }

    /** The metadata as it stands, or a minimal one for an image that was never uploaded (imported before). */
    ImageMetadata current() {
        return read().orElseGet(this::unrecorded);
    }

    private ImageMetadata unrecorded() {
        return ImageMetadata.unrecorded(identity(), variant.revision(), variant.key(), variant.buildName(),
                variant.inputHash());
    }

    private Map<String, String> identity() {
        Map<String, Object> config = variant.variant().config();
        Map<String, String> identity = new LinkedHashMap<>();
        identity.put("name", variant.imageName());
        for (String key : ImageMetadata.IDENTITY_KEYS) {
            Object value = config.get(key);
            if (!key.equals("name") && value != null && !value.toString().isEmpty()) {
                identity.put(key, value.toString());
            }
        }
        identity.put("cloud", variant.cloud());
        identity.put("end_of_life", variant.endOfLife());
        return identity;
    }
}
