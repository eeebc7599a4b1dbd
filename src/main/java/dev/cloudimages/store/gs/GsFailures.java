package dev.cloudimages.store.gs;

import dev.cloudimages.cloud.gcp.GcpStoreAccess;
import dev.cloudimages.store.StoreFailures;
import dev.cloudimages.support.BuildException;


/** Cloud Storage errors of the store as one line: the store's URL, what was being done, Google's words, what to do. */
final class GsFailures {

    private final String url;
    private final String bucket;
    private final GcpStoreAccess access;

    GsFailures(String url, String bucket, GcpStoreAccess access) {
        this.url = url;
        this.bucket = bucket;
        this.access = access;
    }

    /** 412: an ifGenerationMatch precondition did not hold. */
    static boolean lostCondition(Throwable e) {
        return GcpStoreAccess.status(e) == 412;
    }

    static boolean notFound(Throwable e) {
        return GcpStoreAccess.status(e) == 404;
    }

    BuildException of(String doing, RuntimeException e) {
        int status = GcpStoreAccess.status(e);
        String message = GcpStoreAccess.message(e);
        String where = "store " + url + ": ";
        if (status == 404 && message.contains("bucket")) {
            return noBucket();
        }
        if (status == 401) {
            return new BuildException(where + "the credentials were refused while " + doing + " ("
                    + access.describe() + "); " + GcpStoreAccess.LOGIN_HINT, e);
        }
        if (status == 403) {
            return new BuildException(where + "access denied while " + doing + " (" + access.describe() + "): "
                    + message + "; the store needs roles/storage.objectAdmin on bucket '" + bucket + "'", e);
        }
        if (status == 0 && StoreFailures.unreachable(e)) {
            return new BuildException(where + "cannot reach Cloud Storage at " + access.endpoint() + " while " + doing
                    + " (" + message + "); check the network, or STORAGE_EMULATOR_HOST", e);
        }
        return new BuildException(where + doing + " failed (" + access.describe() + "): "
                + (status == 0 ? "" : "HTTP " + status + ": ") + message, e);
    }

    BuildException noBucket() {
        return StoreFailures.noBucket(url, bucket, access.describe());
    }

}
