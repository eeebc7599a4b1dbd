package dev.cloudimages.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cloudimages.config.ConfigsYaml;
import dev.cloudimages.support.AtomicFiles;
import dev.cloudimages.support.BuildException;
import dev.cloudimages.support.FileTrees;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The local images under work/images/&lt;cloud&gt;/&lt;build name&gt;/: the image file, and beside it
 * image.yaml recording what it is and the hash of the inputs that shaped it. An image is trusted
 * only when that record is whole and matches the file; anything else is reported, never reused.
 */
public final class LocalImages {

    public static final String RECORD = "image.yaml";

    /**
     * DAMAGED: whole by its record, but its bytes no longer have the recorded sha256. Unlike a
     * CORRUPT one it is not rebuilt silently: bytes that change under a finished image are worth a
     * look (a failing disk, a tool writing where it should not), so the user revises it.
     */
    public enum Status { ABSENT, CURRENT, STALE, CORRUPT, DAMAGED }

    /** Beside a verified image: size, modification time and sha256 at the last full check. */
    static final String VERIFIED = ".verified";

    /**
     * What image.yaml says about a local image; {@code inputs} are the named parts of its input
     * hash (empty in a record written before they were kept) and {@code mirror} the mirror its
     * repos named when that was one of them ("" otherwise).
     */
    public record Record(String variant, String buildName, String imageName, int revision, String format,
                         String file, long size, String sha256, String inputHash, String built,
                         Map<String, String> inputs, String mirror) {

        public Record {
            inputs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
            mirror = mirror == null ? "" : mirror;
        }

        /** A record without input parts (tests, and images that come from the store). */
        public Record(String variant, String buildName, String imageName, int revision, String format,
                      String file, long size, String sha256, String inputHash, String built) {
            this(variant, buildName, imageName, revision, format, file, size, sha256, inputHash, built, Map.of(), "");
        }

        /** The record of an image built from the inputs of {@code inputHash}, with its parts when known. */
        public static Record built(String variant, String buildName, String imageName, int revision, String format,
                                   String file, long size, String sha256, String inputHash, String built,
                                   String mirror) {
            Map<String, String> parts = InputHash.partsOf(inputHash).orElse(Map.of());
            return new Record(variant, buildName, imageName, revision, format, file, size, sha256, inputHash, built,
                    parts, parts.containsKey(InputHash.MIRROR) ? mirror : "");
        }

        Map<String, Object> toMap() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("variant", variant);
            map.put("build_name", buildName);
            map.put("image_name", imageName);
            map.put("revision", revision);
            map.put("format", format);
            map.put("file", file);
            map.put("size", size);
            map.put("sha256", sha256);
            map.put("input_hash", inputHash);
            map.put("built", built);
            if (!mirror.isEmpty()) {
                map.put("mirror", mirror);
            }
            if (!inputs.isEmpty()) {
                map.put("inputs", new LinkedHashMap<>(inputs));
            }
            return map;
        }
    }

    /** The state of one local image; {@code detail} says why it is stale or corrupt. */
    public record Inspection(Status status, Optional<Record> record, String detail) {

        /** A whole image is current while its recorded input hash is {@code expectedHash}, else stale. */
        public Inspection against(String expectedHash) {
            if (status != Status.CURRENT || record.orElseThrow().inputHash().equals(expectedHash)) {
                return this;
            }
            return new Inspection(Status.STALE, record,
                    InputChanges.describe(record.orElseThrow(), InputHash.partsOf(expectedHash)));
        }
    }

    private final Path imagesDir;

    public LocalImages(Path imagesDir) {
        this.imagesDir = imagesDir;
    }

    public Path dir(String cloud, String buildName) {
        return imagesDir.resolve(cloud).resolve(buildName);
    }

    public Inspection inspect(String cloud, String buildName, String expectedHash) {
        return inspect(cloud, buildName).against(expectedHash);
    }

    /**
     * Reads a local image's record and checks it against its image file, once; a whole image comes
     * back CURRENT until {@link Inspection#against} compares it with the inputs it should have.
     */
    public Inspection inspect(String cloud, String buildName) {
        Path dir = dir(cloud, buildName);
        Path recordFile = dir.resolve(RECORD);
        if (!Files.exists(recordFile)) {
            return Files.isDirectory(dir) && hasImageFile(dir)
                    ? new Inspection(Status.CORRUPT, Optional.empty(), "an image without its " + RECORD)
                    : new Inspection(Status.ABSENT, Optional.empty(), "");
        }
        Record record;
        try {
            record = read(recordFile);
        } catch (IllegalArgumentException | IOException e) {
            return new Inspection(Status.CORRUPT, Optional.empty(), RECORD + " is unreadable (" + e.getMessage() + ")");
        }
        // a record that does not match its image is not believed in any part (no revision from it either)
        if (!record.buildName().equals(buildName)) {
            return new Inspection(Status.CORRUPT, Optional.empty(), RECORD + " names build " + record.buildName());
        }
        Path image = dir.resolve(record.file());
        try {
            if (!Files.isRegularFile(image) || Files.size(image) != record.size()) {
                return new Inspection(Status.CORRUPT, Optional.empty(),
                        record.file() + " is missing or not the size " + RECORD + " records");
            }
        } catch (IOException e) {
            return new Inspection(Status.CORRUPT, Optional.empty(), AtomicFiles.describe(e));
        }
        return new Inspection(Status.CURRENT, Optional.of(record), "");
    }

    /**
     * The inspection, with a CURRENT image's bytes checked against its recorded sha256. The hash
     * is skipped while the file's size and modification time are those of its last check (a
     * stamp beside it), so planning stays fast; {@code always} hashes anyway (before an import).
     */
    public Inspection verify(Inspection inspection, String cloud, String buildName, boolean always) {
        if (inspection.status() != Status.CURRENT) {
            return inspection;
        }
        Record record = inspection.record().orElseThrow();
        Path image = dir(cloud, buildName).resolve(record.file());
        Path stamp = dir(cloud, buildName).resolve(VERIFIED);
        try {
            String fingerprint = Files.size(image) + " " + Files.getLastModifiedTime(image).toMillis() + " ";
            if (!always && Files.isRegularFile(stamp)
                    && Files.readString(stamp).equals(fingerprint + record.sha256() + "\n")) {
                return inspection;
            }
            String actual = dev.cloudimages.support.Digests.sha256(image);
            if (!actual.equals(record.sha256())) {
                Files.deleteIfExists(stamp);
                return new Inspection(Status.DAMAGED, inspection.record(), record.file()
                        + " does not have the sha256 " + RECORD + " records (its bytes changed after it was built)");
            }
            AtomicFiles.writeString(stamp, fingerprint + actual + "\n");
            return inspection;
        } catch (IOException e) {
            return new Inspection(Status.CORRUPT, Optional.empty(), AtomicFiles.describe(e));
        }
    }

    /**
     * Removes a local image with everything beside it but its publish history (published.yaml):
     * that is the build's, across revisions, and outlives any one image.
     */
    public void remove(String cloud, String buildName) {
        Path dir = dir(cloud, buildName);
        try {
            if (!Files.exists(dir.resolve(ShipRecords.PUBLISHED))) {
                FileTrees.deleteRecursively(dir);
                return;
            }
            try (var files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    if (!file.getFileName().toString().equals(ShipRecords.PUBLISHED)) {
                        FileTrees.deleteRecursively(file);
                    }
                }
            }
        } catch (IOException e) {
            throw new BuildException("cannot remove the local image " + dir + ": " + AtomicFiles.describe(e));
        }
    }

    /** Writes image.yaml last, so a record only ever stands beside a finished image. */
    public static void write(Path dir, Record record) {
        write(dir, record, Map.of());
    }

    /**
     * The same, with more fields after the record's own (the SBOM's files, the provenance): the plan
     * reads only the record's fields, so an image.yaml without them stays readable.
     */
    public static void write(Path dir, Record record, Map<String, Object> extra) {
        Map<String, Object> map = record.toMap();
        map.putAll(extra);
        try {
            AtomicFiles.writeString(dir.resolve(RECORD), ConfigsYaml.mapper().writeValueAsString(map));
        } catch (JsonProcessingException e) {
            throw new BuildException("cannot write " + dir.resolve(RECORD) + ": " + e.getOriginalMessage());
        }
    }

    /**
     * One of the blocks image.yaml holds after the record ({@code sbom}, {@code provenance}), as
     * written; empty when image.yaml lacks it (an older one, or one made from the store) or cannot
     * be read. Nothing the plan decides depends on these blocks.
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> block(Path dir, String field) {
        try {
            JsonNode node = ConfigsYaml.mapper().readTree(dir.resolve(RECORD).toFile());
            JsonNode value = node == null ? null : node.get(field);
            return value != null && value.isObject()
                    ? ConfigsYaml.mapper().convertValue(value, LinkedHashMap.class) : Map.of();
        } catch (IOException | IllegalArgumentException e) {
            return Map.of();
        }
    }

    static Record read(Path file) throws IOException {
        JsonNode node;
        try {
            node = ConfigsYaml.mapper().readTree(file.toFile());
        } catch (JsonProcessingException e) {
            // the parser's message spans lines (a snippet with a caret); the plan shows one table cell
            String first = e.getOriginalMessage().lines().map(String::trim).filter(l -> !l.isEmpty())
                    .findFirst().orElse("parse error");
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new IllegalArgumentException("not YAML" + (line > 0 ? " at line " + line : "") + ": " + first);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("not a mapping");
        }
        String file1 = text(node, "file");
        if (file1.contains("/") || file1.startsWith(".")) {
            throw new IllegalArgumentException("file '" + file1 + "' is not a plain file name");
        }
        Map<String, String> inputs = new LinkedHashMap<>();
        JsonNode parts = node.get("inputs");
        if (parts != null && parts.isObject()) {
            parts.fields().forEachRemaining(e -> inputs.put(e.getKey(), e.getValue().asText()));
        }
        JsonNode mirror = node.get("mirror");
        return new Record(text(node, "variant"), text(node, "build_name"), text(node, "image_name"),
                (int) number(node, "revision"), text(node, "format"), file1, number(node, "size"),
                text(node, "sha256"), text(node, "input_hash"), text(node, "built"), inputs,
                mirror == null || !mirror.isValueNode() ? "" : mirror.asText());
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isValueNode() || value.asText().isBlank()) {
            throw new IllegalArgumentException("no " + field);
        }
        return value.asText();
    }

    private static long number(JsonNode node, String field) {
        String text = text(node, field);
        try {
            long value = Long.parseLong(text);
            if (value < 0 || value > Integer.MAX_VALUE && field.equals("revision")) {
                throw new IllegalArgumentException(field + " " + text + " is out of range");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + " '" + text + "' is not a number");
        }
    }

    private static boolean hasImageFile(Path dir) {
        try (var files = Files.list(dir)) {
            return files.anyMatch(f -> f.getFileName().toString().startsWith("image."));
        } catch (IOException e) {
            return false;
        }
    }
}
