package dev.cloudimages.testing;

import dev.cloudimages.store.ArtifactStore;
import dev.cloudimages.store.ArtifactStores;
import dev.cloudimages.store.StoreUrl;

import java.nio.file.Path;

/**
 * A process that uploads one file to a store and nothing else, for tests that kill it
 * mid-upload, and for the run after: {@code StoreUploadMain URL FILE NAME}. Prints "started" once it
 * has opened the store, and at the end how many leftovers of earlier uploads the upload removed.
 */
public final class StoreUploadMain {

    private StoreUploadMain() {
    }

    public static void main(String[] args) {
        ArtifactStore store = ArtifactStores.shipped(System.getenv()).open(StoreUrl.parse(args[0], "test"));
        System.out.println("started");
        System.out.flush();
        int removed = store.upload(Path.of(args[1]), args[2], (done, total) -> {
        }).leftoversRemoved();
        System.out.println("done, removed " + removed + " leftover(s)");
    }
}
