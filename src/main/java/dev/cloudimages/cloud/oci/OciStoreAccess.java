package dev.cloudimages.cloud.oci;

import com.oracle.bmc.objectstorage.ObjectStorageClient;

import java.util.Map;

/**
 * What the oci:// artifact store takes from the oci adapter, so that both find the profile, auth,
 * region and endpoint one way: the adapter's session (~/.oci/config or OCI_CONFIG_FILE,
 * OCI_CLI_PROFILE, OCI_CLI_AUTH, OCI_CLI_REGION, OCI_ENDPOINT_OBJECTSTORAGE) and its clients.
 */
public final class OciStoreAccess {

    private final OciSession session;

    private OciStoreAccess(OciSession session) {
        this.session = session;
    }

    /** The session the environment describes; one line ("oci: no config file ...") when there is none. */
    public static OciStoreAccess open(Map<String, String> env) {
        return new OciStoreAccess(OciSession.open(env));
    }

    /** The Object Storage client of the session's region, for requests with small bodies. */
    public ObjectStorageClient objectStorage() {
        return session.objectStorage(session.region());
    }

    /** The client upload parts go through (a long read timeout). */
    public ObjectStorageClient uploads() {
        return session.uploads(session.region());
    }

    public String region() {
        return session.region();
    }

    /** Where Object Storage requests go. */
    public String endpoint() {
        return session.objectStorageUrl(session.region());
    }

    /** "profile 'x' in eu-frankfurt-1", for messages. */
    public String describe() {
        return session.describe();
    }

    public String loginHint() {
        return session.loginHint();
    }
}
