package dev.cloudimages.cloud.gcp;

import com.google.api.gax.rpc.ApiException;
import com.google.cloud.compute.v1.Image;
import com.google.cloud.compute.v1.ListImagesRequest;
import dev.cloudimages.cloud.CloudContext;
import dev.cloudimages.cloud.CloudImage;
import dev.cloudimages.cloud.CloudSettings;
import dev.cloudimages.cloud.ImageIdentity;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The project's images for prune, in every GCP project the configs import into ({@code
 * import.project}, else the session's): images are global, so "global" is their one region; and
 * the deletion of one (GCP keeps the image's storage itself: deleting the image frees it).
 */
final class GcpProjectImages {

    static final String PROJECT = "project";

    private final GcpSession session;

    GcpProjectImages(GcpSession session) {
        this.session = session;
    }

    List<CloudImage> list(String project, List<CloudSettings> settings) {
        TreeSet<String> projects = new TreeSet<>();
        settings.forEach(s -> projects.add(session.inProject(s.string("import.project", null)).project()));
        if (projects.isEmpty()) {
            projects.add(session.project());
        }
        String filter = GcpLabels.filter(Map.of(ImageIdentity.PROJECT, project));
        List<CloudImage> found = new ArrayList<>();
        for (String where : projects) {
            GcpSession in = session.inProject(where);
            try {
                for (Image image : in.images().list(ListImagesRequest.newBuilder().setProject(where).setFilter(filter)
                        .build()).iterateAll()) {
                    Map<String, String> labels = image.getLabelsMap();
                    found.add(new CloudImage("gcp", "global", image.getName(), image.getName(),
                            labels.getOrDefault(ImageIdentity.BUILD_NAME, ""), GcpLabels.revision(image), labels,
                            created(image.getCreationTimestamp()), Optional.empty(), Map.of(PROJECT, where)));
                }
            } catch (ApiException e) {
                throw GcpFailures.of("listing the images of project " + project, e, in);
            }
        }
        return found;
    }

    void delete(CloudImage image, CloudContext context) {
        GcpSession in = session.inProject(image.location().get(PROJECT));
        new ImageCreator(in, context.log()).delete(image.id(), Duration.ofMinutes(10), context.pollInterval());
        context.log().info("gcp %s: deleted image %s", in.project(), image.id());
    }

    private static Instant created(String rfc3339) {
        try {
            return rfc3339.isEmpty() ? Instant.EPOCH : OffsetDateTime.parse(rfc3339).toInstant();
        } catch (DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }
}
