package dev.cloudimages.release;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cloudimages.cloud.PublishResult;
import dev.cloudimages.cloud.RemoteImage;
import dev.cloudimages.plan.LocalImages;
import dev.cloudimages.plan.Step;
import dev.cloudimages.plan.VariantPlan;
import dev.cloudimages.support.AtomicFiles;
import dev.cloudimages.support.BuildClock;
import dev.cloudimages.support.ChecksumFiles;
import dev.cloudimages.support.Log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * {@code work/manifest.json}, appended once per run like Packer's manifest post-processor: a list
 * of {@code builds}, one per variant a run finished work on (built, imported, published...), and
 * {@code last_run_uuid}. Packer's keys where they mean the same ({@code name}, {@code build_time},
 * {@code files}, {@code artifact_id} as {@code region:id,...}); ours after them. Unlike the reports
 * it is never rewritten from scratch: it is the one record of every run, so a file that no longer
 * parses is set aside (manifest.json.damaged), not overwritten.
 */
public final class RunManifest {

    public static final String FILE = "manifest.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path file;
    private final String runId;
    private final Step step;
    private final BuildClock clock;
    private final LocalImages localImages;
    private final Log log;
    private final ArrayNode builds = JSON.createArrayNode();

    public RunManifest(Path workDir, Step step, BuildClock clock, Log log) {
        this.file = workDir.resolve(FILE);
        this.runId = UUID.randomUUID().toString();
        this.step = step;
        this.clock = clock;
        this.localImages = new LocalImages(workDir.resolve("images"));
        this.log = log;
    }

    /**
     * One variant's entry: its local image file with size and digests (the .sha512 written when an
     * older image lacks it), and its image per region: this run's publish, else this run's import,
     * else what the plan knew (live or recorded).
     */
    public void add(VariantPlan variant, Optional<RemoteImage> imported, Optional<PublishResult> published) {
        ObjectNode build = JSON.createObjectNode();
        build.put("name", variant.key());
        build.put("build_time", clock.now().getEpochSecond());
        build.put("time", clock.now().toString());
        build.put("run_uuid", runId);
        build.put("step", step.label());
        build.put("cloud", variant.cloud());
        build.put("image_name", variant.imageName());
        build.put("revision", variant.revision());
        ArrayNode files = build.putArray("files");
        localFile(variant).ifPresent(files::add);
        Map<String, String> artifacts = artifacts(variant, imported, published);
        build.put("artifact_id", String.join(",", artifacts.entrySet().stream()
                .map(e -> e.getKey() + ":" + e.getValue()).toList()));
        build.set("artifacts", JSON.valueToTree(artifacts));
        builds.add(build);
    }

    private Optional<ObjectNode> localFile(VariantPlan variant) {
        LocalImages.Inspection local = localImages.inspect(variant.cloud(), variant.buildName(), variant.inputHash());
        if (local.status() != LocalImages.Status.CURRENT) {
            return Optional.empty();
        }
        LocalImages.Record record = local.record().orElseThrow();
        Path image = localImages.dir(variant.cloud(), variant.buildName()).resolve(record.file());
        ObjectNode entry = JSON.createObjectNode();
        entry.put("name", "work/images/" + variant.cloud() + "/" + variant.buildName() + "/" + record.file());
        entry.put("size", record.size());
        entry.put("sha256", record.sha256());
        entry.put("sha512", ChecksumFiles.sha512(image));
        return Optional.of(entry);
    }

    private static Map<String, String> artifacts(VariantPlan variant, Optional<RemoteImage> imported,
                                                 Optional<PublishResult> published) {
        Map<String, String> artifacts = new TreeMap<>();
        if (published.isPresent()) {
            published.get().regions().stream().filter(r -> !r.failed() && !r.imageId().isBlank())
                    .forEach(r -> artifacts.put(r.region(), r.imageId()));
        } else if (imported.isPresent()) {
            artifacts.put(imported.get().region(), imported.get().id());
        } else {
            variant.where().regions().stream().filter(r -> !r.state().equals("failed"))
                    .forEach(r -> artifacts.put(r.region(), r.imageId()));
        }
        return artifacts;
    }

    /** Appends this run's builds (nothing when the run finished none). */
    public void write() {
        if (builds.isEmpty()) {
            return;
        }
        ObjectNode document = existing();
        ArrayNode all = document.withArray("builds");
        all.addAll(builds);
        document.remove("last_run_uuid");
        document.put("last_run_uuid", runId);
        try {
            AtomicFiles.writeString(file, JSON.writeValueAsString(document) + "\n");
        } catch (IOException | dev.cloudimages.support.BuildException e) {
            log.warn("cannot write %s: %s; this run's builds are not in it", file, e.getMessage());
        }
    }

    private ObjectNode existing() {
        if (!Files.exists(file)) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode node = JSON.readTree(file.toFile());
            if (node instanceof ObjectNode object && (!object.has("builds") || object.get("builds").isArray())) {
                return object;
            }
        } catch (IOException e) {
            // set aside below
        }
        Path aside = file.resolveSibling(FILE + ".damaged");
        try {
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            log.warn("%s is not a manifest (damaged or hand-edited); moved it to %s and starting a new one",
                    file, aside.getFileName());
        } catch (IOException e) {
            log.warn("%s is not a manifest and cannot be moved aside (%s); starting a new one", file, e.getMessage());
        }
        return JSON.createObjectNode();
    }
}
