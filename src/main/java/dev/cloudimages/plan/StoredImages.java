package dev.cloudimages.plan;

import dev.cloudimages.config.ResolvedVariant;
import dev.cloudimages.release.ImageMetadata;

import java.util.Optional;

/**
 * What the plan asks of the artifact store: whether a variant has one, and the newest image
 * metadata stored for its build. Implemented by the release package over the store schemes.
 */
public interface StoredImages {

    StoredImages NONE = new StoredImages() {
        @Override
        public Optional<String> storeOf(ResolvedVariant variant) {
            return Optional.empty();
        }

        @Override
        public Optional<ImageMetadata> latest(ResolvedVariant variant, String buildName) {
            return Optional.empty();
        }
    };

    /** The variant's store URL (placeholders filled), when it has a {@code storage_url}. */
    Optional<String> storeOf(ResolvedVariant variant);

    /** The store's newest metadata for a build (by revision), if any. */
    Optional<ImageMetadata> latest(ResolvedVariant variant, String buildName);

    /** Removes a stored revision: its metadata first, then its image, checksum and signature. */
    default void remove(ResolvedVariant variant, ImageMetadata metadata) {
        throw new UnsupportedOperationException("no store");
    }
}
