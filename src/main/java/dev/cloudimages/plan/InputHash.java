package dev.cloudimages.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cloudimages.config.ResolvedVariant;
import dev.cloudimages.support.AtomicFiles;
import dev.cloudimages.support.BuildException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A content hash of everything that shapes a local image: the variant's resolved config (less the
 * keys only import and publish read), its revision, the scripts and script dirs it runs, and the
 * builder's own inputs (the payload runner and boot hook). A local image whose recorded hash
 * differs is stale.
 */
public final class InputHash {

    /**
     * Keys left out: those that change where and how an image is shipped (import.*, publish.*
     * included), never what is in it, and
     * end_of_life, which for edge and for branches without a date is "tomorrow" and would make
     * every image stale each day; and config_key and image_key, labels made of values already hashed.
     */
    static final Set<String> NOT_HASHED = Set.of("access", "regions", "cloud_region_url", "cloud_launch_url",
            "encrypted", "end_of_life", "import", "publish", "poll_interval", "config_key", "image_key",
            "storage_url", "signing_cmd");

    /** A named input of the builder itself. */
    public record BuilderInput(String name, byte[] content) {
    }

    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private final Path scriptsDir;
    private final List<BuilderInput> builderInputs;

    public InputHash(Path scriptsDir, List<BuilderInput> builderInputs) {
        this.scriptsDir = scriptsDir;
        this.builderInputs = List.copyOf(builderInputs);
    }

    public String of(ResolvedVariant variant, int revision) {
        MessageDigest digest = sha256();
        Map<String, Object> config = new LinkedHashMap<>(variant.config());
        NOT_HASHED.forEach(config::remove);
        update(digest, "config", canonical(variant, config));
        update(digest, "revision", Integer.toString(revision).getBytes(StandardCharsets.UTF_8));
        for (String script : strings(variant, "scripts")) {
            Path file = scriptsDir.resolve(script);
            if (!Files.isRegularFile(file)) {
                throw new BuildException("variant " + variant.key() + ": script '" + script + "' is not in "
                        + scriptsDir + "; add it to scripts/ (or a --custom overlay) or remove it from 'scripts'");
            }
            update(digest, "script " + script, read(file));
        }
        for (String dir : strings(variant, "script_dirs")) {
            Path root = scriptsDir.resolve(dir);
            if (!Files.isDirectory(root)) {
                throw new BuildException("variant " + variant.key() + ": script dir '" + dir + "' is not in "
                        + scriptsDir + "; add it to scripts/ (or a --custom overlay) or remove it from 'script_dirs'");
            }
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                    update(digest, "dir " + dir + "/" + root.relativize(file), read(file));
                }
            } catch (IOException e) {
                throw new BuildException("cannot read " + root + ": " + AtomicFiles.describe(e));
            } catch (java.io.UncheckedIOException e) {
                throw new BuildException("cannot read " + root + ": " + AtomicFiles.describe(e.getCause()));
            }
        }
        for (BuilderInput input : builderInputs) {
            update(digest, "builder " + input.name(), input.content());
        }
        return "sha256:" + HexFormat.of().formatHex(digest.digest());
    }

    /** The variant's list setting ("scripts", "script_dirs"), empty when absent. */
    public static List<String> strings(ResolvedVariant variant, String key) {
        Object value = variant.config().get(key);
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        throw new BuildException("variant " + variant.key() + ": '" + key + "' must be a list, got " + value);
    }

    private static byte[] canonical(ResolvedVariant variant, Map<String, Object> config) {
        try {
            return CANONICAL.writeValueAsBytes(config);
        } catch (JsonProcessingException e) {
            throw new BuildException("variant " + variant.key() + ": cannot hash its config: " + e.getOriginalMessage());
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new BuildException("cannot read " + file + ": " + AtomicFiles.describe(e));
        }
    }

    /** Length-prefixed, so moving bytes from one input to the next changes the hash. */
    private static void update(MessageDigest digest, String label, byte[] content) {
        byte[] name = label.getBytes(StandardCharsets.UTF_8);
        digest.update((name.length + ":").getBytes(StandardCharsets.UTF_8));
        digest.update(name);
        digest.update((content.length + ":").getBytes(StandardCharsets.UTF_8));
        digest.update(content);
    }

    static MessageDigest sha256() {
        return dev.cloudimages.support.Digests.newDigest("SHA-256");
    }
}
