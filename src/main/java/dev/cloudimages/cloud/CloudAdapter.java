package dev.cloudimages.cloud;

import java.util.List;
import java.util.Optional;

/**
 * One cloud, behind the one interface the pipeline uses: the remote state the plan needs, and the
 * import and publish steps. Each cloud's package (cloud.aws, ...) implements it; nothing outside
 * that package sees the cloud's SDK, so the SDK is only loaded when a step needs that cloud.
 */
public interface CloudAdapter {

    /** The cloud's dimension key: "aws", "oci", "gcp". */
    String cloud();

    /** Where the adapter works (account/profile and region), for log lines and messages. */
    String describe();

    /**
     * The newest image for a build name in this project (by revision), if any; {@code settings}
     * are the variant's, for clouds that look where the config says (an OCI compartment, a GCP
     * project).
     */
    Optional<RemoteImage> latestBuildImage(String project, String buildName, CloudSettings settings);

    /** Removes an image that was imported but never published (used by --revise), with its storage. */
    void removeImage(RemoteImage image);

    /**
     * Imports a local image and registers it; on failure (or interrupt) removes whatever this call
     * made before it throws. It first removes what the job's journal lists (left by an earlier
     * run of this build killed outright), saying so, and writes down in the journal each thing
     * before it makes it, crossing it off once removed or kept.
     */
    RemoteImage importImage(ImportJob job, CloudContext context);

    /**
     * Publishes an imported image to its regions and sets who may launch it. Idempotent: what is
     * already right is left alone. A failing region does not stop the others; the result says
     * what happened in each.
     */
    PublishResult publish(PublishJob job, CloudContext context);

    /**
     * Points the cloud's "latest" names at a released image (AWS: an SSM parameter per region;
     * GCP: the image family), as the variant's {@code latest} settings ask; says what it changed.
     * Called only once the image is published everywhere, so a pointer never names an image
     * that some region lacks. Clouds without such pointers change nothing.
     */
    default List<String> moveLatest(ReleaseJob job, CloudContext context) {
        return List.of();
    }

    /**
     * Every image of {@code project} the cloud holds, in every region the account can use (for
     * prune); {@code settings} are the configs' variants of this cloud, for where to look (OCI
     * compartments, GCP projects). {@code launches}: also ask when each was last launched.
     */
    default List<CloudImage> projectImages(String project, List<CloudSettings> settings, boolean launches) {
        throw new dev.cloudimages.support.BuildException(cloud() + ": this version cannot list the project's images");
    }

    /** Deletes one listed image with its storage (AWS: its snapshots); one that is gone already is fine. */
    default void deleteImage(CloudImage image, CloudContext context) {
        throw new dev.cloudimages.support.BuildException(cloud() + ": this version cannot delete images");
    }
}
