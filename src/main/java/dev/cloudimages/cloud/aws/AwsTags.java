package dev.cloudimages.cloud.aws;

import dev.cloudimages.cloud.ImageIdentity;
import dev.cloudimages.cloud.RemoteImage;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The build identity as EC2 tags, and an AMI read back as a {@link RemoteImage}. */
final class AwsTags {

    /** AWS limits a tag value to 256 characters. */
    private static final int MAX_VALUE = 256;

    private AwsTags() {
    }

    /** The identity tags plus {@code Name} and any {@code extra} ones, in a stable order. */
    static Map<String, String> of(ImageIdentity identity, Map<String, String> extra) {
        Map<String, String> tags = new LinkedHashMap<>(identity.tags());
        tags.put("Name", identity.imageName());
        tags.putAll(extra);
        tags.replaceAll((k, v) -> v.length() > MAX_VALUE ? v.substring(0, MAX_VALUE) : v);
        return tags;
    }

    static List<Tag> list(Map<String, String> tags) {
        return tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
    }

    static Map<String, String> map(List<Tag> tags) {
        Map<String, String> map = new LinkedHashMap<>();
        tags.forEach(t -> map.put(t.key(), t.value() == null ? "" : t.value()));
        return map;
    }

    static TagSpecification spec(ResourceType type, Map<String, String> tags) {
        return TagSpecification.builder().resourceType(type).tags(list(tags)).build();
    }

    static int revision(Image image) {
        try {
            return Integer.parseInt(map(image.tags()).getOrDefault(ImageIdentity.BUILD_REVISION, "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static RemoteImage remote(Image image, String region) {
        Map<String, String> tags = map(image.tags());
        return new RemoteImage(image.imageId(), region, tags.getOrDefault(ImageIdentity.BUILD_NAME, ""),
                revision(image), tags.getOrDefault(ImageIdentity.END_OF_LIFE, ""),
                tags.containsKey(ImageIdentity.IMPORTED), tags.containsKey(ImageIdentity.PUBLISHED), tags);
    }
}
