package dev.cloudimages.cloud.oci;

import com.oracle.bmc.core.model.Image;
import dev.cloudimages.cloud.ImageIdentity;
import dev.cloudimages.cloud.RemoteImage;

import java.util.LinkedHashMap;
import java.util.Map;

/** The build identity as OCI freeform tags, and an image read back as a {@link RemoteImage}. */
final class OciTags {

    /** OCI limits a freeform tag value to 256 characters. */
    private static final int MAX_VALUE = 256;
    static final String SOURCE_ID = "source_id";
    static final String SOURCE_REGION = "source_region";
    /** The public pre-authenticated URL of the exported image, when access.PUBLIC made one. */
    static final String PUBLIC_URL = "public_url";
    /** Its id, so that access.PUBLIC turned off can revoke it. */
    static final String PUBLIC_PAR = "public_par";

    private OciTags() {
    }

    /** The identity tags plus any {@code extra} ones, in a stable order. */
    static Map<String, String> of(ImageIdentity identity, Map<String, String> extra) {
        Map<String, String> tags = new LinkedHashMap<>(identity.tags());
        tags.putAll(extra);
        tags.replaceAll((k, v) -> v.length() > MAX_VALUE ? v.substring(0, MAX_VALUE) : v);
        return tags;
    }

    static Map<String, String> of(Image image) {
        return image.getFreeformTags() == null ? Map.of() : image.getFreeformTags();
    }

    /** Whether an image carries this build's name, revision and project. */
    static boolean sameBuild(Image image, String project, String buildName, Integer revision) {
        Map<String, String> tags = of(image);
        return buildName.equals(tags.get(ImageIdentity.BUILD_NAME)) && project.equals(tags.get(ImageIdentity.PROJECT))
                && (revision == null || revision.toString().equals(tags.get(ImageIdentity.BUILD_REVISION)));
    }

    static int revision(Image image) {
        try {
            return Integer.parseInt(of(image).getOrDefault(ImageIdentity.BUILD_REVISION, "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static RemoteImage remote(Image image, String region) {
        Map<String, String> tags = of(image);
        return new RemoteImage(image.getId(), region, tags.getOrDefault(ImageIdentity.BUILD_NAME, ""), revision(image),
                tags.getOrDefault(ImageIdentity.END_OF_LIFE, ""), tags.containsKey(ImageIdentity.IMPORTED),
                tags.containsKey(ImageIdentity.PUBLISHED), tags);
    }
}
