package dev.cloudimages.cloud;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.cloudimages.config.ConfigsYaml;
import dev.cloudimages.plan.Action;
import dev.cloudimages.plan.LocalImages;
import dev.cloudimages.plan.Plan;
import dev.cloudimages.plan.VariantPlan;
import dev.cloudimages.support.AtomicFiles;
import dev.cloudimages.support.BuildClock;
import dev.cloudimages.support.BuildException;
import dev.cloudimages.support.ChildProcesses;
import dev.cloudimages.support.Log;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The import and publish steps over a plan, for any cloud: each variant planned for import is
 * imported from its local image (imported.yaml is written beside it), then each variant planned
 * for publish is published (published.yaml). One variant failing does not stop the others; the
 * summary names each failure and the step fails.
 */
public final class CloudStep {

    public record Inputs(Plan plan, Path workDir, CloudAdapters clouds, BuildClock clock, ReleaseHooks hooks) {

        public Inputs(Plan plan, Path workDir, CloudAdapters clouds, BuildClock clock) {
            this(plan, workDir, clouds, clock, ReleaseHooks.LOCAL_ONLY);
        }
    }

    public record Outputs(Map<String, RemoteImage> imported, Map<String, PublishResult> published,
                          Map<String, String> failed) {
    }

    public static final String IMPORTED = "imported.yaml";
    public static final String PUBLISHED = "published.yaml";

    private final Log log;

    public CloudStep(Log log) {
        this.log = log;
    }

    public Outputs run(Inputs inputs) {
        LocalImages localImages = new LocalImages(inputs.workDir().resolve("images"));
        Map<String, RemoteImage> imported = new LinkedHashMap<>();
        Map<String, PublishResult> published = new LinkedHashMap<>();
        Map<String, String> failed = new LinkedHashMap<>();
        Thread hook = Rollback.installShutdownHook();
        try {
            for (VariantPlan variant : inputs.plan().variants()) {
                if (!variant.has(Action.IMPORT) && !variant.has(Action.SIGN) && !variant.has(Action.PUBLISH)) {
                    continue;
                }
                try {
                    one(variant, inputs, localImages, imported, published);
                } catch (BuildException e) {
                    log.error("[%s] %s", variant.key(), e.getMessage());
                    failed.put(variant.key(), e.getMessage());
                }
            }
        } finally {
            ChildProcesses.removeShutdownHook(hook);
        }
        summarise(imported, published, failed);
        return new Outputs(imported, published, failed);
    }

    private void one(VariantPlan variant, Inputs inputs, LocalImages localImages, Map<String, RemoteImage> imported,
                     Map<String, PublishResult> published) {
        CloudAdapter adapter = inputs.clouds().forCloud(variant.cloud()).adapter().orElseThrow();
        ImageIdentity identity = ImageIdentity.of(variant);
        CloudSettings settings = CloudSettings.of(variant.variant());
        CloudContext context = new CloudContext(log, inputs.clock(),
                settings.duration("poll_interval", CloudContext.DEFAULT_POLL));
        Path imageDir = localImages.dir(variant.cloud(), variant.buildName());
        Optional<RemoteImage> remote = variant.remote().flatMap(VariantPlan.RemoteState::image);
        if (variant.has(Action.IMPORT)) {
            LocalImages.Record record = inputs.hooks().localImage(variant, localImages);
            log.info("[%s] importing %s into %s (%s)", variant.key(), record.file(), variant.cloud(), adapter.describe());
            Path scratch = inputs.workDir().resolve("build").resolve(variant.cloud()).resolve(variant.buildName())
                    .resolve("import");
            RemoteImage image = adapter.importImage(new ImportJob(identity, imageDir.resolve(record.file()),
                    record.format(), record.size(), record.sha256(), settings, scratch,
                    ImportJournal.at(ImportJournal.fileFor(inputs.workDir(), variant.cloud(), variant.buildName()))),
                    context);
            imported.put(variant.key(), image);
            writeRecord(imageDir.resolve(IMPORTED), importedRecord(variant, image));
            log.info("[%s] imported as %s in %s", variant.key(), image.id(), image.region());
            inputs.hooks().imported(variant, image);
            remote = Optional.of(image);
        }
        if (variant.has(Action.SIGN)) {
            inputs.hooks().sign(variant, localImages);
        }
        if (variant.has(Action.PUBLISH)) {
            RemoteImage source = remote.orElseThrow(() -> new BuildException("no imported image of "
                    + variant.buildName() + " to publish; run './build import' first"));
            PublishResult result = adapter.publish(new PublishJob(identity, source, settings), context);
            result.notes().forEach(note -> log.warn("[%s] %s", variant.key(), note));
            published.put(variant.key(), result);
            writeRecord(imageDir.resolve(PUBLISHED), publishedRecord(variant, source, result));
            inputs.hooks().published(variant, result);
            if (!result.failures().isEmpty()) {
                throw new BuildException("publishing failed in " + result.failures().size() + " of "
                        + result.regions().size() + " region(s): " + String.join("; ", result.failures().stream()
                        .map(f -> f.region() + " " + f.outcome()).toList()));
            }
        }
    }

    private static Map<String, Object> importedRecord(VariantPlan variant, RemoteImage image) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("variant", variant.key());
        record.put("cloud", variant.cloud());
        record.put("image_name", variant.imageName());
        record.put("revision", variant.revision());
        record.put("region", image.region());
        record.put("image_id", image.id());
        record.put("tags", image.tags());
        return record;
    }

    private static Map<String, Object> publishedRecord(VariantPlan variant, RemoteImage source, PublishResult result) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("variant", variant.key());
        record.put("cloud", variant.cloud());
        record.put("image_name", variant.imageName());
        record.put("revision", variant.revision());
        record.put("source", Map.of("region", source.region(), "image_id", source.id()));
        Map<String, Object> regions = new LinkedHashMap<>();
        for (PublishResult.RegionOutcome outcome : result.regions()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("image_id", outcome.imageId());
            entry.put("outcome", outcome.outcome());
            regions.put(outcome.region(), entry);
        }
        record.put("regions", regions);
        record.put("notes", result.notes());
        return record;
    }

    /** A record is written only where the local image stands; an import from elsewhere has none. */
    private void writeRecord(Path file, Map<String, Object> content) {
        if (!Files.isDirectory(file.getParent())) {
            return;
        }
        try {
            AtomicFiles.writeString(file, ConfigsYaml.mapper().writeValueAsString(content));
        } catch (JsonProcessingException e) {
            throw new BuildException("cannot write " + file + ": " + e.getOriginalMessage());
        }
    }

    private void summarise(Map<String, RemoteImage> imported, Map<String, PublishResult> published,
                           Map<String, String> failed) {
        log.info("Cloud step done: imported %d, published %d%s", imported.size(), published.size(),
                failed.isEmpty() ? "" : ", " + failed.size() + " failed");
        if (!failed.isEmpty()) {
            throw new BuildException(failed.size() + " variant(s) failed: " + String.join("; ", failed.entrySet().stream()
                    .map(e -> e.getKey() + ": " + e.getValue()).toList()));
        }
    }
}
