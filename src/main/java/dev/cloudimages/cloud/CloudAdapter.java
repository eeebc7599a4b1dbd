package dev.cloudimages.cloud;

import java.util.Optional;

/**
 * One cloud, behind the one interface the pipeline uses. The plan needs only the remote state;
 * import and publish are added by the cloud adapters themselves.
 */
public interface CloudAdapter {

    /** The cloud's dimension key: "aws", "oci", "gcp". */
    String cloud();

    /** The newest image for a build name in this project (by revision), if any. */
    Optional<RemoteImage> latestBuildImage(String project, String buildName);

    /** Removes an image that was imported but never published (used by --revise). */
    void removeImage(RemoteImage image);
}
