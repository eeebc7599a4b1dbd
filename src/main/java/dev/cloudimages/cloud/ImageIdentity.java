package dev.cloudimages.cloud;

import dev.cloudimages.plan.VariantPlan;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who an image is: the build's identity, written as tags (AWS, OCI) or labels (GCP) on every image
 * and snapshot the tool makes, and read back to find them. The keys are the reference's, so images
 * it made are found too; "project" keeps two projects' images apart.
 */
public record ImageIdentity(String variantKey, String project, String buildName, int revision, String imageName,
                            String description, String endOfLife, String arch, String firmware,
                            Map<String, String> tags) {

    public static final String BUILD_NAME = "build_name";
    public static final String BUILD_REVISION = "build_revision";
    public static final String PROJECT = "project";
    public static final String END_OF_LIFE = "end_of_life";
    public static final String IMPORTED = "imported";
    public static final String PUBLISHED = "published";

    public ImageIdentity {
        tags = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tags));
    }

    public static ImageIdentity of(VariantPlan plan) {
        Map<String, Object> config = plan.variant().config();
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("arch", text(config, "arch"));
        tags.put("bootstrap", text(config, "bootstrap"));
        tags.put(BUILD_NAME, plan.buildName());
        tags.put(BUILD_REVISION, Integer.toString(plan.revision()));
        tags.put("cloud", plan.cloud());
        tags.put("description", text(config, "description"));
        tags.put(END_OF_LIFE, plan.endOfLife());
        tags.put("firmware", text(config, "firmware"));
        tags.put("name", plan.imageName());
        tags.put(PROJECT, text(config, "project"));
        tags.put("release", text(config, "release"));
        tags.put("version", text(config, "version"));
        tags.values().removeIf(String::isEmpty);
        return new ImageIdentity(plan.key(), text(config, "project"), plan.buildName(), plan.revision(),
                plan.imageName(), text(config, "description"), plan.endOfLife(), text(config, "arch"),
                text(config, "firmware"), tags);
    }

    /**
     * The tags (or labels) of {@code want} that {@code have} lacks or holds with another value: what
     * a re-run must still set, and nothing that is already right.
     */
    public static Map<String, String> missingTags(Map<String, String> have, Map<String, String> want) {
        Map<String, String> missing = new LinkedHashMap<>();
        want.forEach((k, v) -> {
            if (!v.equals(have.get(k))) {
                missing.put(k, v);
            }
        });
        return missing;
    }

    private static String text(Map<String, Object> config, String key) {
        Object value = config.get(key);
        return value == null ? "" : value.toString();
    }
}
