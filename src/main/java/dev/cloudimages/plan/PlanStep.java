package dev.cloudimages.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.cloudimages.cloud.CloudAdapters;
import dev.cloudimages.config.ConfigsStep;
import dev.cloudimages.config.ConfigsYaml;
import dev.cloudimages.config.ResolvedVariant;
import dev.cloudimages.support.BuildClock;
import dev.cloudimages.support.BuildException;
import dev.cloudimages.support.Log;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The plan step, run by every step after configs: select variants with --only/--skip, decide
 * their actions, write work/actions.yaml and show the plan as a table. The plan is worked out
 * afresh every run from configs, local images and the clouds; actions.yaml is a report, never
 * read back, so a hand-edited one cannot steer a build.
 */
public final class PlanStep {

    public record Inputs(List<ResolvedVariant> variants, Step step, boolean revise, List<String> only,
                         List<String> skip, Path workDir, CloudAdapters clouds,
                         List<InputHash.BuilderInput> builderInputs, BuildClock clock,
                         StoredImages storedImages, java.util.Set<Action> disabled, VariantSelection selection) {

        public Inputs(List<ResolvedVariant> variants, Step step, boolean revise, List<String> only,
                      List<String> skip, Path workDir, CloudAdapters clouds,
                      List<InputHash.BuilderInput> builderInputs, BuildClock clock, StoredImages storedImages,
                      java.util.Set<Action> disabled) {
            this(variants, step, revise, only, skip, workDir, clouds, builderInputs, clock, storedImages, disabled,
                    VariantSelection.ALL);
        }

        public Inputs(List<ResolvedVariant> variants, Step step, boolean revise, List<String> only,
                      List<String> skip, Path workDir, CloudAdapters clouds,
                      List<InputHash.BuilderInput> builderInputs, BuildClock clock) {
            this(variants, step, revise, only, skip, workDir, clouds, builderInputs, clock, StoredImages.NONE,
                    java.util.Set.of(), VariantSelection.ALL);
        }
    }

    public record Outputs(Plan plan, Path actionsYaml) {
    }

    private final Log log;
    private final PrintStream out;

    public PlanStep(Log log, PrintStream out) {
        this.log = log;
        this.out = out;
    }

    public Outputs run(Inputs inputs) {
        // over all variants: two that share a directory clash even when built in separate runs
        Planner.checkNames(inputs.variants());
        List<ResolvedVariant> selected = inputs.selection().named(inputs.variants().stream()
                .filter(v -> ConfigsStep.selects(v, inputs.only(), inputs.skip())).toList());
        if (selected.isEmpty()) {
            // a filter that selects nothing is almost always a mistake; a green CI job that did nothing hides it
            throw new BuildException(describeFilters(inputs) + " select none of the "
                    + inputs.variants().size() + " variant(s) in work/configs.yaml, so there is nothing to "
                    + inputs.step().label() + "; loosen the filters (see the per-key counts of './build configs')");
        }
        List<ResolvedVariant> shard = inputs.selection().shardOf(selected);
        if (shard.size() != selected.size()) {
            log.info("Shard %s: %d of the %d selected variant(s)", inputs.selection().shard().orElseThrow(),
                    shard.size(), selected.size());
        }
        selected = shard; // an empty shard (more shards than variants) is not a mistake: nothing to do
        log.info("Planning %s for %d variant(s)%s", inputs.step().label(), selected.size(),
                inputs.revise() ? " with --revise" : "");
        Planner planner = new Planner(new LocalImages(inputs.workDir().resolve("images")), inputs.storedImages(),
                inputs.clouds(), new InputHash(inputs.workDir().resolve("scripts"), inputs.builderInputs()),
                inputs.clock(), log);
        Plan plan = planner.plan(selected, inputs.step(), inputs.revise(), inputs.disabled());

        Path yaml = inputs.workDir().resolve("actions.yaml");
        ConfigsYaml.replaceReport(yaml, render(plan), log);
        out.print(PlanTable.render(plan));
        out.flush();
        if (plan.nothingToDo()) {
            log.info("Nothing to do: every selected variant is up to date for '%s'", inputs.step().label());
        }
        return new Outputs(plan, yaml);
    }

    private static String describeFilters(Inputs inputs) {
        String filters = ConfigsStep.describeFilters(inputs.only(), inputs.skip());
        if (inputs.selection().keys().isEmpty()) {
            return filters;
        }
        String variants = "--variant " + String.join(" ", inputs.selection().keys());
        return filters.equals("the filters") ? variants : filters + " " + variants;
    }

    /** What the store says of the plan's revision: which steps are done, and the ids per region. */
    private static Map<String, Object> storedSummary(dev.cloudimages.release.ImageMetadata stored) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("name", stored.name());
        summary.put("uploaded", stored.uploaded());
        summary.put("imported", stored.imported());
        summary.put("import_id", stored.importId());
        summary.put("signed", stored.signed());
        summary.put("published", stored.published());
        summary.put("artifacts", stored.artifacts());
        summary.values().removeIf(java.util.Objects::isNull);
        return summary;
    }

    static String render(Plan plan) {
        Map<String, Object> document = new LinkedHashMap<>();
        for (VariantPlan variant : plan.variants()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("cloud", variant.cloud());
            entry.put("build_name", variant.buildName());
            entry.put("image_name", variant.imageName());
            entry.put("revision", variant.revision());
            entry.put("end_of_life", variant.endOfLife());
            entry.put("actions", variant.actions().stream().map(Action::label).toList());
            entry.put("local", variant.local().name().toLowerCase(java.util.Locale.ROOT));
            entry.put("remote", variant.remote().map(VariantPlan.RemoteState::describe).orElse("unknown"));
            variant.where().localFile().ifPresent(file -> entry.put("local_file", file));
            if (!variant.where().regions().isEmpty()) {
                entry.put("regions", variant.where().regionsYaml());
            }
            entry.put("input_hash", variant.inputHash());
            variant.store().ifPresent(store -> entry.put("store", store));
            variant.stored().ifPresent(stored -> entry.put("stored", storedSummary(stored)));
            entry.put("why", String.join("; ", variant.why()));
            document.put(variant.key(), entry);
        }
        try {
            return ConfigsYaml.mapper().writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new BuildException("cannot render actions.yaml: " + e.getOriginalMessage());
        }
    }
}
