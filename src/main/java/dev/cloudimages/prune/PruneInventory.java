package dev.cloudimages.prune;

import dev.cloudimages.cloud.CloudImage;
import dev.cloudimages.release.ImageMetadata;
import dev.cloudimages.store.ArtifactStore;

import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Everything prune knows of the project's images, by build and revision: what each cloud lists
 * (an image per region) and what the stores record. A revision may be in a cloud and not in the
 * store (no storage_url, or removed by hand), or only in the store (its images deleted by hand).
 */
final class PruneInventory {

    /** One revision's metadata and the store holding it. */
    record Stored(ArtifactStore store, String object, ImageMetadata metadata) {
    }

    /** One revision of one build in one cloud. */
    record Revision(String cloud, String buildName, int revision, List<CloudImage> images, Optional<Stored> stored) {

        String key() {
            return cloud + "/" + buildName;
        }

        String name() {
            return stored.map(s -> s.metadata().name()).or(() -> images.stream().map(CloudImage::name).findFirst())
                    .orElse(buildName + "-r" + revision);
        }

        /** The value of an identity key, from the store's metadata or else the images' tags. */
        String identity(String key) {
            return stored.map(s -> s.metadata().identity().get(key)).filter(v -> !v.isBlank())
                    .or(() -> images.stream().map(i -> i.tag(key)).filter(v -> !v.isBlank()).findFirst()).orElse("");
        }

        boolean isEdge() {
            return identity("version").equals("edge") || identity("release").equals("edge");
        }

        Optional<LocalDate> endOfLife() {
            String text = identity("end_of_life");
            try {
                return text.length() < 10 ? Optional.empty() : Optional.of(LocalDate.parse(text.substring(0, 10)));
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        }

        /** When it was made: the earliest of its images, else when it was built or uploaded. */
        Instant created() {
            return images.stream().map(CloudImage::created).filter(i -> i.isAfter(Instant.EPOCH))
                    .min(Comparator.naturalOrder()).or(() -> stored.flatMap(s -> parse(s.metadata().built())
                            .or(() -> parse(s.metadata().uploaded())))).orElse(Instant.EPOCH);
        }

        boolean isReleased() {
            return stored.filter(s -> s.metadata().isReleased()).isPresent();
        }
    }

    private final Map<String, List<CloudImage>> images = new TreeMap<>();
    private final Map<String, Stored> stored = new TreeMap<>();

    void add(CloudImage image) {
        if (!image.buildName().isEmpty()) {
            images.computeIfAbsent(key(image.cloud(), image.buildName(), image.revision()), k -> new ArrayList<>())
                    .add(image);
        }
    }

    void add(ArtifactStore store, String object, ImageMetadata metadata) {
        String cloud = metadata.identity().getOrDefault("cloud", "");
        if (metadata.buildName() != null && !cloud.isEmpty()) {
            stored.put(key(cloud, metadata.buildName(), metadata.revision()), new Stored(store, object, metadata));
        }
    }

    /** Each build's revisions, newest first, for the clouds asked ({@code clouds}). */
    Map<String, List<Revision>> builds(java.util.Set<String> clouds) {
        java.util.Set<String> keys = new java.util.TreeSet<>(images.keySet());
        keys.addAll(stored.keySet());
        Map<String, List<Revision>> builds = new TreeMap<>();
        for (String key : keys) {
            String[] parts = key.split("\u0000");
            if (!clouds.contains(parts[0])) {
                continue;
            }
            Revision revision = new Revision(parts[0], parts[1], Integer.parseInt(parts[2]),
                    images.getOrDefault(key, List.of()).stream().sorted(Comparator.comparing(CloudImage::region))
                            .toList(), Optional.ofNullable(stored.get(key)));
            builds.computeIfAbsent(revision.key(), k -> new ArrayList<>()).add(revision);
        }
        builds.values().forEach(list -> list.sort(Comparator.comparingInt(Revision::revision).reversed()));
        return builds;
    }

    private static String key(String cloud, String buildName, int revision) {
        return cloud + "\u0000" + buildName + "\u0000" + revision;
    }

    private static Optional<Instant> parse(String instant) {
        try {
            return instant == null ? Optional.empty() : Optional.of(Instant.parse(instant));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
