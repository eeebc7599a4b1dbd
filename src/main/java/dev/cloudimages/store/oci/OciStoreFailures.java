package dev.cloudimages.store.oci;

import com.oracle.bmc.model.BmcException;
import dev.cloudimages.cloud.oci.OciStoreAccess;
import dev.cloudimages.store.StoreFailures;
import dev.cloudimages.support.BuildException;


/** Object Storage errors of the store as one line: the store's URL, what was being done, OCI's words, what to do. */
final class OciStoreFailures {

    private final String url;
    private final String bucket;
    private final OciStoreAccess access;

    OciStoreFailures(String url, String bucket, OciStoreAccess access) {
        this.url = url;
        this.bucket = bucket;
        this.access = access;
    }

    /** 412 IfMatchFailed / IfNoneMatchFailed, or 409 when a concurrent write of the name won. */
    static boolean lostCondition(BmcException e) {
        return e.getStatusCode() == 412 || e.getStatusCode() == 409;
    }

    static boolean notFound(BmcException e) {
        return e.getStatusCode() == 404;
    }

    static boolean bucketMissing(BmcException e) {
        return e.getStatusCode() == 404 && "BucketNotFound".equals(e.getServiceCode());
    }

    BuildException of(String doing, BmcException e) {
        String code = e.getServiceCode() == null ? "" : e.getServiceCode();
        String message = message(e);
        String where = "store " + url + ": ";
        if (bucketMissing(e)) {
            return noBucket();
        }
        if (e.getStatusCode() == 401 || code.equals("NotAuthenticated")) {
            return new BuildException(where + "not authenticated while " + doing + " (" + access.describe() + "): "
                    + message + "; " + access.loginHint(), e);
        }
        if (e.getStatusCode() == 403 || code.equals("NotAuthorizedOrNotFound")) {
            return new BuildException(where + "access denied while " + doing + " (" + access.describe() + "): "
                    + code + ": " + message + "; the store needs a policy allowing 'manage objects' in the"
                    + " compartment of bucket '" + bucket + "'", e);
        }
        if (e.getStatusCode() == -1 && StoreFailures.unreachable(e)) {
            return new BuildException(where + "cannot reach Object Storage at " + access.endpoint() + " while " + doing
                    + "; check the network, or OCI_ENDPOINT_OBJECTSTORAGE", e);
        }
        return new BuildException(where + doing + " failed (" + access.describe() + "): "
                + (code.isEmpty() ? "HTTP " + e.getStatusCode() : code) + ": " + message, e);
    }

    BuildException noBucket() {
        return new BuildException("store " + url + ": the bucket '" + bucket + "' does not exist in "
                + access.region() + " (" + access.describe() + "); create it, or fix storage_url or the region");
    }


    /** OCI's own words without the SDK's troubleshooting text. */
    private static String message(BmcException e) {
        String text = e.getUnmodifiedMessage() != null ? e.getUnmodifiedMessage() : e.getMessage();
        return text == null ? "no detail" : text.replaceAll("\\s+", " ").trim();
    }
}
