package dev.cloudimages.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cloudimages.config.ConfigsYaml;
import dev.cloudimages.support.AtomicFiles;
import dev.cloudimages.support.BuildException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The records the cloud step leaves beside a local image: {@code imported.yaml} (the last import)
 * and {@code published.yaml} (the publishes, newest last, the last {@link #HISTORY} kept). The plan
 * reads them to say what exists where when a cloud cannot be asked, and to know, without asking
 * every region, that a publish would change nothing. Unlike actions.yaml they are read back, so a
 * record that does not parse is treated as absent (and said so), never guessed at.
 */
public final class ShipRecords {

    public static final String IMPORTED = "imported.yaml";
    public static final String PUBLISHED = "published.yaml";
    /** Enough to see a release's recent history; an image published daily does not grow its file forever. */
    public static final int HISTORY = 20;

    /** One import: the image it made, where. */
    public record Imported(String imageName, int revision, String region, String imageId, Map<String, String> tags) {
    }

    /** One region of a publish: the image there, what was done, whether it failed. */
    public record RegionPublish(String region, String imageId, String outcome, boolean failed) {
    }

    /** One publish: of which revision and source image, for which settings ({@link PublishIntent}), per region. */
    public record Publish(String imageName, int revision, String published, String sourceRegion, String sourceId,
                          String targets, List<RegionPublish> regions, List<String> notes) {

        public Publish {
            regions = List.copyOf(regions);
            notes = List.copyOf(notes);
        }

        public List<RegionPublish> failures() {
            return regions.stream().filter(RegionPublish::failed).toList();
        }
    }

    private ShipRecords() {
    }

    /** The last import recorded in {@code dir}, if any and readable. */
    public static Optional<Imported> imported(Path dir) {
        JsonNode node = readQuietly(dir.resolve(IMPORTED));
        if (node == null || !node.hasNonNull("image_id") || !node.hasNonNull("revision")) {
            return Optional.empty();
        }
        Map<String, String> tags = new LinkedHashMap<>();
        JsonNode tagNode = node.get("tags");
        if (tagNode != null && tagNode.isObject()) {
            tagNode.fields().forEachRemaining(e -> tags.put(e.getKey(), e.getValue().asText()));
        }
        return Optional.of(new Imported(node.path("image_name").asText(""), node.get("revision").asInt(-1),
                node.path("region").asText(""), node.get("image_id").asText(), tags));
    }

    /**
     * The publishes recorded in {@code dir}, oldest first; none when there is no file. A file in the
     * single-publish form of earlier versions reads as one publish (without settings, so the next
     * publish checks every region once). Throws IllegalArgumentException naming what is wrong.
     */
    public static List<Publish> publishes(Path dir) {
        Path file = dir.resolve(PUBLISHED);
        if (!Files.exists(file)) {
            return List.of();
        }
        JsonNode node;
        try {
            node = ConfigsYaml.mapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(PUBLISHED + " is not YAML");
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(PUBLISHED + " is not a mapping");
        }
        if (node.has("regions") && !node.has("publishes")) {
            return List.of(publish(node));
        }
        JsonNode list = node.get("publishes");
        if (list == null || !list.isArray()) {
            throw new IllegalArgumentException(PUBLISHED + " has no list of publishes");
        }
        List<Publish> publishes = new ArrayList<>();
        list.forEach(entry -> publishes.add(publish(entry)));
        return publishes;
    }

    private static Publish publish(JsonNode node) {
        if (!node.isObject() || !node.hasNonNull("revision") || !node.path("regions").isObject()) {
            throw new IllegalArgumentException(PUBLISHED + " has a publish without revision or regions");
        }
        List<RegionPublish> regions = new ArrayList<>();
        node.get("regions").fields().forEachRemaining(e -> regions.add(new RegionPublish(e.getKey(),
                e.getValue().path("image_id").asText(""), e.getValue().path("outcome").asText(""),
                e.getValue().path("failed").asBoolean(false))));
        List<String> notes = new ArrayList<>();
        node.path("notes").forEach(n -> notes.add(n.asText()));
        JsonNode source = node.path("source");
        return new Publish(node.path("image_name").asText(""), node.get("revision").asInt(-1),
                node.path("published").asText(""), source.path("region").asText(""),
                source.path("image_id").asText(""), node.path("targets").asText(""), regions, notes);
    }

    /** The newest publish of {@code revision}, if the file is readable and has one. */
    public static Optional<Publish> latestOf(Path dir, int revision) {
        try {
            List<Publish> all = publishes(dir);
            for (int i = all.size() - 1; i >= 0; i--) {
                if (all.get(i).revision() == revision) {
                    return Optional.of(all.get(i));
                }
            }
        } catch (IllegalArgumentException e) {
            // the planner reports nothing from a damaged record; the next publish starts it afresh
        }
        return Optional.empty();
    }

    public static void writeImported(Path dir, String variant, String cloud, Imported imported) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("variant", variant);
        record.put("cloud", cloud);
        record.put("image_name", imported.imageName());
        record.put("revision", imported.revision());
        record.put("region", imported.region());
        record.put("image_id", imported.imageId());
        record.put("tags", imported.tags());
        write(dir.resolve(IMPORTED), record);
    }

    /**
     * Appends a publish to the history (keeping the newest {@link #HISTORY}); returns the reason an
     * existing history could not be read and was started afresh, if it was.
     */
    public static Optional<String> appendPublish(Path dir, String variant, String cloud, Publish publish) {
        List<Publish> history = new ArrayList<>();
        Optional<String> damaged = Optional.empty();
        try {
            history.addAll(publishes(dir));
        } catch (IllegalArgumentException e) {
            damaged = Optional.of(e.getMessage());
        }
        history.add(publish);
        List<Publish> kept = history.subList(Math.max(0, history.size() - HISTORY), history.size());
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("variant", variant);
        document.put("cloud", cloud);
        document.put("publishes", kept.stream().map(ShipRecords::toMap).toList());
        write(dir.resolve(PUBLISHED), document);
        return damaged;
    }

    private static Map<String, Object> toMap(Publish publish) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("image_name", publish.imageName());
        record.put("revision", publish.revision());
        record.put("published", publish.published());
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("region", publish.sourceRegion());
        source.put("image_id", publish.sourceId());
        record.put("source", source);
        record.put("targets", publish.targets());
        Map<String, Object> regions = new LinkedHashMap<>();
        for (RegionPublish region : publish.regions()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("image_id", region.imageId());
            entry.put("outcome", region.outcome());
            if (region.failed()) {
                entry.put("failed", true);
            }
            regions.put(region.region(), entry);
        }
        record.put("regions", regions);
        record.put("notes", publish.notes());
        return record;
    }

    private static JsonNode readQuietly(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            JsonNode node = ConfigsYaml.mapper().readTree(file.toFile());
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** A record is written only where the local image stands; an import from elsewhere has none. */
    private static void write(Path file, Map<String, Object> content) {
        if (!Files.isDirectory(file.getParent())) {
            return;
        }
        try {
            AtomicFiles.writeString(file, ConfigsYaml.mapper().writeValueAsString(content));
        } catch (JsonProcessingException e) {
            throw new BuildException("cannot write " + file + ": " + e.getOriginalMessage());
        }
    }
}
