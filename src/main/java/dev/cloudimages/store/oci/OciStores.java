package dev.cloudimages.store.oci;

import dev.cloudimages.store.ArtifactStore;
import dev.cloudimages.store.StoreUrl;

import java.util.Map;

/**
 * The entry to the oci:// store. It names no OCI SDK type, so {@code ArtifactStores} can refer to
 * it while the SDK stays unloaded until an oci:// store is opened.
 */
public final class OciStores {

    private OciStores() {
    }

    /** {@code oci://namespace/bucket/prefix}, with the profile, region and endpoint the oci adapter uses. */
    public static ArtifactStore open(StoreUrl url, Map<String, String> env) {
        return OciStore.open(url, env);
    }
}
