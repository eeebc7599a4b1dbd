package dev.cloudimages.store.gs;

import dev.cloudimages.store.ArtifactStore;
import dev.cloudimages.store.StoreUrl;

import java.util.Map;

/**
 * The entry to the gs:// store. It names no Google SDK type, so {@code ArtifactStores} can refer
 * to it while the SDK (about 80 MB of jars) stays unloaded until a gs:// store is opened.
 */
public final class GsStores {

    private GsStores() {
    }

    /** {@code gs://bucket/prefix}, with the credentials and endpoint the gcp adapter uses. */
    public static ArtifactStore open(StoreUrl url, Map<String, String> env) {
        return GsStore.open(url, env);
    }
}
