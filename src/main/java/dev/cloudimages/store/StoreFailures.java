package dev.cloudimages.store;

import dev.cloudimages.support.BuildException;

import java.net.ConnectException;
import java.net.UnknownHostException;

/** What every object-store scheme says the same way. */
public final class StoreFailures {

    private StoreFailures() {
    }

    /** A refused connection or an unknown host anywhere in the causes: the endpoint is not there. */
    public static boolean unreachable(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException || cause instanceof UnknownHostException) {
                return true;
            }
        }
        return false;
    }

    /** The store's bucket does not exist. */
    public static BuildException noBucket(String url, String bucket, String where) {
        return new BuildException("store " + url + ": the bucket '" + bucket + "' does not exist (" + where
                + "); create it, or fix storage_url");
    }

    /**
     * After a refused conditional write: did an earlier attempt of this very request land, its
     * answer lost and the SDK's retry then refused? Then the object holds exactly this content
     * (leases carry a random token, so no other machine writes the same bytes), and the write did
     * happen.
     */
    public static boolean landed(ArtifactStore store, String name, byte[] content) {
        return store.read(name).map(stored -> java.util.Arrays.equals(stored, content)).orElse(false);
    }
}
