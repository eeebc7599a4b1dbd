package dev.cloudimages.store.s3;

import dev.cloudimages.store.ArtifactStore;
import dev.cloudimages.store.StoreUrl;

import java.util.Map;

/**
 * The entry to the s3:// store. It names no AWS SDK type, so {@code ArtifactStores} can refer to
 * it while the SDK stays unloaded; the SDK loads when a variant's store is s3:// and is opened.
 */
public final class S3Stores {

    private S3Stores() {
    }

    /** {@code s3://bucket/prefix}, with the profile, region, credentials and endpoint the aws adapter uses. */
    public static ArtifactStore open(StoreUrl url, Map<String, String> env) {
        return S3Store.open(url, env);
    }
}
