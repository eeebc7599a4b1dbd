package dev.cloudimages.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cloudimages.config.ConfigsYaml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A file:// artifact store as one sorted line per object, hidden ones (temporary uploads, leases)
 * included; each metadata
 * object with what only the cloud or the bytes decide masked (ids, checksums, size: two builds
 * of one variant need not be byte for byte the same), and everything else, times included
 * (SOURCE_DATE_EPOCH), as written.
 */
public final class StoreView {

    private StoreView() {
    }

    public static List<String> of(Path store) {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.walk(store)) {
            // .store.lock is file://'s own lock for compare-and-swap (a lease taken over), never an object
            for (Path file : files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString()
                    .equals(".store.lock")).sorted().toList()) {
                String name = store.relativize(file).toString();
                lines.add(name.endsWith(".yaml") ? name + " " + masked(file) : name);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines;
    }

    private static String masked(Path metadata) throws IOException {
        JsonNode node = ConfigsYaml.mapper().readTree(metadata.toFile());
        if (node instanceof ObjectNode object) {
            for (String field : List.of("import_id", "sha256", "sha512", "size")) {
                if (object.has(field)) {
                    object.put(field, "*");
                }
            }
            // which commit built it is known where the checkout has git (the CI jobs), "unknown" in a copy
            if (object.get("provenance") instanceof ObjectNode provenance && provenance.has("tool_commit")) {
                provenance.put("tool_commit", "*");
            }
            if (object.get("artifacts") instanceof ObjectNode artifacts) {
                List<String> regions = new ArrayList<>();
                artifacts.fieldNames().forEachRemaining(regions::add);
                regions.forEach(region -> artifacts.put(region, "*"));
            }
        }
        return node.toString();
    }
}
