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
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A content hash of everything that shapes a local image, made of named parts so a stale image can
 * say which input changed: each setting of the variant's resolved config (less the keys only
 * import and publish read), its revision, each script and each file of its script dirs, the
 * builder's own inputs (the payload runner and boot hook) and, when the config's values name it,
 * the mirror. The parts go into image.yaml ({@link InputChanges} compares them).
 */
public final class InputHash {

    /**
     * Keys left out: those that change where and how an image is shipped (import.*, publish.*
     * included), never what is in it, and
     * end_of_life, which for edge and for branches without a date is "tomorrow" and would make
     * every image stale each day; and config_key and image_key, labels made of values already hashed.
     * {@code mirror} is not a part as such: it says where the builder downloads from (the ISO,
     * the builder's own packages, firmware), which cannot change the image. Where a value
     * carries it ({@code repos} become the image's /etc/apk/repositories) it does, so values are
     * hashed with the mirror as "{mirror}" and the mirror is one part of its own, "mirror": a
     * stale image then says "the mirror", not "repos".
     */
    static final Set<String> NOT_HASHED = Set.of("access", "regions", "cloud_region_url", "cloud_launch_url",
            "encrypted", "end_of_life", "import", "publish", "poll_interval", "config_key", "image_key",
            "storage_url", "signing_cmd", "mirror", "concurrency", "download_url", "prune");

    /** Part names: "config KEY", "revision", "script NAME", "script_dirs DIR/FILE", "builder NAME", "mirror". */
    public static final String CONFIG = "config ";
    public static final String SCRIPT = "script ";
    public static final String SCRIPT_DIRS = "script_dirs ";
    public static final String BUILDER = "builder ";
    public static final String REVISION = "revision";
    public static final String MIRROR = "mirror";

    /** A named input of the builder itself. */
    public record BuilderInput(String name, byte[] content) {
    }

    /**
     * The parts of every hash made in this process, by hash: the planner passes the combined hash
     * alone ({@code Inspection.against(hash)}), and the hash names its parts without doubt.
     */
    private static final Map<String, Map<String, String>> PARTS = new ConcurrentHashMap<>();

    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private final Path scriptsDir;
    private final List<BuilderInput> builderInputs;

    public InputHash(Path scriptsDir, List<BuilderInput> builderInputs) {
        this.scriptsDir = scriptsDir;
        this.builderInputs = List.copyOf(builderInputs);
    }

    /** The combined hash ("sha256:..."), of the parts in their order. */
    public String of(ResolvedVariant variant, int revision) {
        Map<String, String> parts = parts(variant, revision);
        MessageDigest digest = sha256();
        parts.forEach((name, hash) -> update(digest, name, hash.getBytes(StandardCharsets.UTF_8)));
        String combined = "sha256:" + HexFormat.of().formatHex(digest.digest());
        PARTS.putIfAbsent(combined, parts);
        return combined;
    }

    /** The named parts of a hash this process made, if it made it. */
    public static Optional<Map<String, String>> partsOf(String combined) {
        return Optional.ofNullable(PARTS.get(combined));
    }

    /** Part name -> the hex SHA-256 of that input, in a fixed order. */
    public Map<String, String> parts(ResolvedVariant variant, int revision) {
        Map<String, String> parts = new LinkedHashMap<>();
        String mirror = variant.config().get("mirror") instanceof String m && !m.isBlank() ? m : null;
        Map<String, Object> config = new TreeMap<>(variant.config());
        NOT_HASHED.forEach(config::remove);
        boolean mirrorUsed = false;
        for (Map.Entry<String, Object> setting : config.entrySet()) {
            String text = new String(canonical(variant, setting.getValue()), StandardCharsets.UTF_8);
            if (mirror != null && text.contains(mirror)) {
                text = text.replace(mirror, "{mirror}");
                mirrorUsed = true;
            }
            parts.put(CONFIG + setting.getKey(), hex(text.getBytes(StandardCharsets.UTF_8)));
        }
        if (mirrorUsed) {
            parts.put(MIRROR, hex(mirror.getBytes(StandardCharsets.UTF_8)));
        }
        parts.put(REVISION, hex(Integer.toString(revision).getBytes(StandardCharsets.UTF_8)));
        for (String script : strings(variant, "scripts")) {
            Path file = scriptsDir.resolve(script);
            if (!Files.isRegularFile(file)) {
                throw new BuildException("variant " + variant.key() + ": script '" + script + "' is not in "
                        + scriptsDir + "; add it to scripts/ (or a --custom overlay) or remove it from 'scripts'");
            }
            parts.put(SCRIPT + script, hex(read(file)));
        }
        for (String dir : strings(variant, "script_dirs")) {
            Path root = scriptsDir.resolve(dir);
            if (!Files.isDirectory(root)) {
                throw new BuildException("variant " + variant.key() + ": script dir '" + dir + "' is not in "
                        + scriptsDir + "; add it to scripts/ (or a --custom overlay) or remove it from 'script_dirs'");
            }
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                    parts.put(SCRIPT_DIRS + dir + "/" + root.relativize(file), hex(read(file)));
                }
            } catch (IOException e) {
                throw new BuildException("cannot read " + root + ": " + AtomicFiles.describe(e));
            } catch (java.io.UncheckedIOException e) {
                throw new BuildException("cannot read " + root + ": " + AtomicFiles.describe(e.getCause()));
            }
        }
        for (BuilderInput input : builderInputs) {
            parts.put(BUILDER + input.name(), hex(input.content()));
        }
        return parts;
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

    private static byte[] canonical(ResolvedVariant variant, Object value) {
        try {
            return CANONICAL.writeValueAsBytes(value);
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

    private static String hex(byte[] content) {
        return HexFormat.of().formatHex(sha256().digest(content));
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
