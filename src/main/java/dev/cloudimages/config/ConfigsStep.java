package dev.cloudimages.config;

import dev.cloudimages.alpine.AlpineEndpoints;
import dev.cloudimages.alpine.ReleaseCatalog;
import dev.cloudimages.alpine.ReleaseFetcher;
import dev.cloudimages.support.BuildClock;
import dev.cloudimages.support.BuildException;
import dev.cloudimages.support.ChildProcesses;
import dev.cloudimages.support.Leftovers;
import dev.cloudimages.support.Log;
import dev.cloudimages.support.PathDisplay;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The "configs" step: prepare work/, read the top-level config, look up releases, resolve every
 * variant and write work/configs.yaml. Each stage is a small call with explicit inputs and outputs.
 */
public final class ConfigsStep {

    /** What the step needs from the command line and the environment. */
    public record Inputs(Path projectDir, boolean clean, List<Path> customDirs, List<String> only,
                         List<String> skip, Map<String, String> env, BuildClock clock, boolean cleanImages) {

        public Inputs(Path projectDir, boolean clean, List<Path> customDirs, List<String> only,
                      List<String> skip, Map<String, String> env, BuildClock clock) {
            this(projectDir, clean, customDirs, only, skip, env, clock, false);
        }
    }

    /** What it produced: the resolution and where it was written. */
    public record Outputs(Path configsYaml, Path topLevelConfig, Resolution resolution) {
    }

    private final Log log;

    public ConfigsStep(Log log) {
        this.log = log;
    }

    public Outputs run(Inputs inputs) {
        WorkEnvironment work = new WorkEnvironment(inputs.projectDir(), inputs.projectDir().resolve("work"), log,
                paths(inputs.projectDir()));
        // this run holds the lock: whatever an earlier run left running or half-written is dead weight
        List<Long> stopped = ChildProcesses.stopRecorded(work.workDir().resolve(ChildProcesses.RECORD));
        if (!stopped.isEmpty()) {
            log.warn("Stopped %d process(es) that a killed earlier run left running (process ids %s)",
                    stopped.size(), stopped);
        }
        Leftovers.sweep(work.workDir(), log, "left by an interrupted earlier run");
        work.install(inputs.customDirs(), inputs.clean(), inputs.cleanImages());

        Path topFile = work.topLevelConfig();
        HoconLoader loader = new HoconLoader(paths(inputs.projectDir()));
        log.info("Reading %s", loader.display(topFile));
        TopConfig config = TopConfig.read(loader, loader.parse(topFile));
        config.warnings().forEach(warning -> log.warn("%s", warning));
        checkSelectors(config, inputs.only(), "--only");
        checkSelectors(config, inputs.skip(), "--skip");

        AlpineEndpoints endpoints = AlpineEndpoints.choose(inputs.env(), config.releasesUrl(), config.mirror());
        ReleaseCatalog releases = new ReleaseFetcher(work.workDir().resolve("cache"), log).fetch(endpoints.releasesUrl());
        if (inputs.clock().fromSourceDateEpoch()) {
            log.info("Using SOURCE_DATE_EPOCH as today: %s", inputs.clock().todayUtc());
        }
        Resolution resolution = new VariantResolver(config, releases, inputs.clock().todayUtc(), endpoints.mirror())
                .resolve();
        reportSkipped(resolution);
        if (resolution.variants().isEmpty()) {
            throw new BuildException("no image variants left after EXCLUDE and end-of-life checks in "
                    + loader.display(topFile) + "; check the Dimensions and EXCLUDE directives");
        }

        Path yaml = work.workDir().resolve("configs.yaml");
        ConfigsYaml.write(yaml, resolution, log);
        summarise(resolution, loader.display(yaml), inputs.only(), inputs.skip());
        return new Outputs(yaml, topFile, resolution);
    }

    /** Paths as the log shows them when it knows this project; else as seen from the project root. */
    private PathDisplay paths(Path projectDir) {
        Path project = projectDir.toAbsolutePath().normalize();
        return log.paths().projectDir().equals(project) ? log.paths() : PathDisplay.at(project);
    }

    /** Every --only/--skip key must be a dimension key, or the selection silently matches nothing. */
    private static void checkSelectors(TopConfig config, List<String> selected, String option) {
        Set<String> valid = new LinkedHashSet<>();
        config.dimensions().forEach(d -> valid.addAll(d.keys()));
        List<String> unknown = selected.stream().filter(k -> !valid.contains(k)).toList();
        if (!unknown.isEmpty()) {
            throw new BuildException(option + " " + String.join(" ", unknown) + " matches no dimension key; valid keys: "
                    + String.join(" ", valid));
        }
    }

    private void reportSkipped(Resolution resolution) {
        Map<String, Integer> endOfLife = new TreeMap<>();
        for (Resolution.Skipped skipped : resolution.skipped()) {
            log.debug("%s skipped: %s", skipped.key(), skipped.detail());
            if (skipped.reason() == Resolution.Reason.END_OF_LIFE) {
                endOfLife.merge(skipped.detail(), 1, Integer::sum);
            }
        }
        endOfLife.forEach((detail, count) ->
                log.warn("Skipping %d variant(s) past their %s", count, detail));
    }

    private void summarise(Resolution resolution, String yaml, List<String> only, List<String> skip) {
        log.info("Resolved %d image variant(s) into %s (%d excluded, %d past end of life)",
                resolution.variants().size(), yaml,
                resolution.count(Resolution.Reason.EXCLUDED), resolution.count(Resolution.Reason.END_OF_LIFE));
        for (Dimension dimension : resolution.dimensions()) {
            Map<String, Integer> perKey = new LinkedHashMap<>();
            dimension.keys().forEach(k -> perKey.put(k, 0));
            for (ResolvedVariant variant : resolution.variants()) {
                perKey.merge(variant.dimensions().get(dimension.name()), 1, Integer::sum);
            }
            List<String> parts = new ArrayList<>();
            perKey.forEach((key, count) -> parts.add(key + "=" + count));
            log.info("  %-10s %s", dimension.name() + ":", String.join(" ", parts));
        }
        if (!only.isEmpty() || !skip.isEmpty()) {
            long selected = resolution.variants().stream().filter(v -> selects(v, only, skip)).count();
            if (selected == 0) {
                log.warn("%s select none of the %d variant(s); later steps will fail with these filters",
                        describeFilters(only, skip), resolution.variants().size());
            } else {
                log.info("  %d variant(s) match --only %s --skip %s", selected, only, skip);
            }
        }
    }

    /** "--only aws uefi --skip edge", or "the filters" when there are none (every variant selected). */
    public static String describeFilters(List<String> only, List<String> skip) {
        List<String> parts = new ArrayList<>();
        if (!only.isEmpty()) {
            parts.add("--only " + String.join(" ", only));
        }
        if (!skip.isEmpty()) {
            parts.add("--skip " + String.join(" ", skip));
        }
        return parts.isEmpty() ? "the filters" : String.join(" ", parts);
    }

    /** --only: the variant has every listed key; --skip: it has none of them. */
    public static boolean selects(ResolvedVariant variant, List<String> only, List<String> skip) {
        List<String> keys = variant.dimensionKeys();
        return keys.containsAll(only) && skip.stream().noneMatch(keys::contains);
    }
}
