package dev.cloudimages.cloud.oci;

import com.oracle.bmc.core.model.Image;
import dev.cloudimages.cloud.CloudContext;
import dev.cloudimages.cloud.CloudImage;
import dev.cloudimages.cloud.CloudSettings;
import dev.cloudimages.cloud.ImageIdentity;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The project's custom images for prune: in every region the tenancy is subscribed to (or, where
 * the tenancy is unknown, the import region and the regions the configs name) and every
 * compartment the configs import into. Deleting one removes its capability schema too and, for
 * the import region's image of a public publish, the export and its public download URL.
 */
final class OciProjectImages {

    static final String COMPARTMENT = "compartment";
    static final String BUCKET = "bucket";

    private final OciSession session;

    OciProjectImages(OciSession session) {
        this.session = session;
    }

    List<CloudImage> list(String project, List<CloudSettings> settings) {
        Map<String, String> buckets = new LinkedHashMap<>();
        TreeSet<String> regions = new TreeSet<>(List.of(session.region()));
        for (CloudSettings each : settings) {
            String compartment = each.string("import.compartment", session.tenancy().orElse(null));
            if (compartment != null) {
                buckets.putIfAbsent(compartment, each.string("import.bucket", ""));
            }
            each.flags("regions").forEach((region, on) -> {
                if (on && !region.equals("ALL")) {
                    regions.add(region);
                }
            });
        }
        session.tenancy().ifPresent(tenancy -> regions.addAll(new RegionSubscriptions(session).ready(tenancy)));
        List<CloudImage> found = new ArrayList<>();
        for (String region : regions) {
            for (Map.Entry<String, String> compartment : buckets.entrySet()) {
                for (Image image : images(region, compartment.getKey(), project)) {
                    Map<String, String> tags = OciTags.of(image);
                    found.add(new CloudImage("oci", region, image.getId(), image.getDisplayName(),
                            tags.getOrDefault(ImageIdentity.BUILD_NAME, ""), OciTags.revision(image), tags,
                            image.getTimeCreated() == null ? Instant.EPOCH : image.getTimeCreated().toInstant(),
                            Optional.empty(), Map.of(COMPARTMENT, compartment.getKey(), BUCKET, compartment.getValue())));
                }
            }
        }
        return found;
    }

    private List<Image> images(String region, String compartment, String project) {
        return OciImages.live(session, region, compartment,
                i -> project.equals(OciTags.of(i).get(ImageIdentity.PROJECT)), "the images of project " + project);
    }

    void delete(CloudImage image, CloudContext context) {
        new OciImages(session, context.log()).delete(image.region(), image.id());
        context.log().info("oci %s: deleted image %s", image.region(), image.id());
        String par = image.tags().get(OciTags.PUBLIC_PAR);
        String bucket = image.location().getOrDefault(BUCKET, "");
        if (par != null && !bucket.isEmpty()) {
            // the public download of this image: the export (named as OciPublisher names it) and its URL
            ObjectUpload objects = new ObjectUpload(session, context.log());
            objects.deletePar(image.region(), bucket, par);
            String export = image.buildName() + "-r" + image.revision() + ".qcow2";
            objects.deleteObject(image.region(), bucket, export);
            context.log().info("oci %s: removed the public export %s from bucket %s", image.region(), export, bucket);
        }
    }
}
