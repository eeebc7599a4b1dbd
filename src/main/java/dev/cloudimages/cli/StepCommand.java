package dev.cloudimages.cli;

import dev.cloudimages.cloud.CloudAdapters;
import dev.cloudimages.config.ConfigsStep;
import dev.cloudimages.local.BuilderResources;
import dev.cloudimages.cloud.CloudStep;
import dev.cloudimages.cloud.ShipConcurrency;
import dev.cloudimages.plan.VariantPlan;
import dev.cloudimages.support.BuildException;
import dev.cloudimages.cloud.CloudSteps;
import dev.cloudimages.local.LocalBuildStep;
import dev.cloudimages.local.LocalPreflight;
import dev.cloudimages.plan.Action;
import dev.cloudimages.plan.LocalImages;
import dev.cloudimages.plan.Plan;
import dev.cloudimages.plan.Revisions;
import dev.cloudimages.plan.PlanStep;
import dev.cloudimages.plan.Step;
import dev.cloudimages.release.Leases;
import dev.cloudimages.release.ReleaseCatalogStep;
import dev.cloudimages.release.ReleaseStores;
import dev.cloudimages.release.RunManifest;
import dev.cloudimages.release.RollbackStep;
import dev.cloudimages.release.StoreRelease;
import dev.cloudimages.plan.VariantSelection;
import dev.cloudimages.report.OutputFormat;
import dev.cloudimages.report.ReportingHooks;
import dev.cloudimages.report.RunDocument;
import dev.cloudimages.report.RunReport;
import dev.cloudimages.store.ArtifactStores;
import dev.cloudimages.support.ToolIdentity;
import dev.cloudimages.support.Fetch;
import dev.cloudimages.support.Proxies;
import dev.cloudimages.support.WorkLock;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Callable;

/**
 * A build step: validates the shared options, takes the work directory's lock, then hands over
 * to the pipeline. Kept thin on purpose: the steps themselves live in their packages.
 */
abstract class StepCommand implements Callable<Integer> {

    @ParentCommand
    BuildCommand build;

    @Spec
    CommandSpec spec;

    /** Every step has its own help (its options are the shared ones); the top-level -h/-V stay there. */
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help message and exit")
    boolean help;

    @Option(names = {"-V", "--version"}, versionHelp = true, description = "print version information and exit")
    boolean version;

    BuildOptions options;

    @Override
    public final Integer call() {
        options = build.options(spec.commandLine());
        selection = build.ci.selection(spec.commandLine(), build.context().env());
        output = build.ci.output(spec.commandLine());
        build.log().debug("step %s in %s with %s, %s", spec.name(), options.projectDir(), options, selection);
        Fetch.useProxies(Proxies.fromEnvironment(build.context().env()));
        report = new RunReport(spec.name());
        int exit = Cli.FAILED;
        Optional<String> error = Optional.empty();
        try (WorkLock ignored = WorkLock.acquire(workDir(), build.log())) {
            exit = run(options);
            return exit;
        } catch (BuildException e) {
            exit = e.exitCode();
            error = Optional.of(e.getMessage().replace("\n", "\\n"));
            throw e;
        } finally {
            // the document comes whatever the outcome: a CI job that failed must still say what it did
            if (output.isPresent()) {
                printDocument(options, exit, error);
            }
        }
    }

    /** This run's --variant and --shard. */
    VariantSelection selection = VariantSelection.ALL;
    /** --output: the run's document goes to stdout, so the plan table goes to stderr. */
    Optional<OutputFormat> output = Optional.empty();
    RunReport report = new RunReport("");

    private void printDocument(BuildOptions options, int exit, Optional<String> error) {
        boolean changed = !spec.name().equals("state") && !spec.name().equals("plan");
        java.util.Map<String, Object> document = RunDocument.of(report,
                new RunDocument.Selection(options.only(), options.skip(), selection), exit, error,
                variant -> changed && variant.store().isPresent() ? storedNow(variant) : variant.stored());
        build.context().out().print(output.orElseThrow().render(document));
        build.context().out().flush();
    }

    /** The store's newest metadata after the run; the document must not fail for want of it. */
    private Optional<dev.cloudimages.release.ImageMetadata> storedNow(VariantPlan variant) {
        try {
            return stores().latest(variant.variant(), variant.buildName());
        } catch (RuntimeException e) {
            build.log().warn("[%s] cannot read the store for the run's document: %s", variant.key(), e.getMessage());
            return variant.stored();
        }
    }

    abstract int run(BuildOptions options);

    /** Whether stdout is for a document (--output, or plan's --format), so the plan table goes to stderr. */
    boolean documentOnStdout() {
        return output.isPresent();
    }

    private CloudAdapters clouds;

    CloudAdapters clouds() {
        if (clouds == null) {
            clouds = CloudAdapters.shipped(build.context().env());
        }
        return clouds;
    }

    private ReleaseStores stores;

    ReleaseStores stores() {
        if (stores == null) {
            stores = new ReleaseStores(ArtifactStores.shipped(build.context().env()));
        }
        return stores;
    }

    /**
     * upload, import, sign and publish: plan, take the store's leases, build what is neither here
     * nor in the store, upload, then the cloud work with the store's hooks.
     */
    int buildAndShip(BuildOptions options, Step step) {
        Plan plan = plan(options, step);
        if (plan.nothingToDo()) {
            return Cli.OK;
        }
        try (Leases ignored = Leases.acquire(plan, stores(), build.context().env(), build.log(), false)) {
            if (stores().changedSince(plan)) {
                // another machine finished work on these builds between our plan and our leases
                build.log().info("The store changed while this run was planning; planning again");
                plan = planFrom(lastConfigs, options, step);
                if (plan.nothingToDo()) {
                    return Cli.OK;
                }
            }
            LocalPreflight.Checked checked = prepareBuilds(plan, options);
            ReportingHooks release = new ReportingHooks(new StoreRelease(stores(), build.clock(), build.context().env(),
                    build.log()), report);
            CloudStep.Session ship = new CloudStep(build.log()).start(new CloudStep.Inputs(plan, workDir(), clouds(),
                    build.clock(), release, ShipConcurrency.defaults().withOverride(options.cloudParallel()),
                    statusEvery()));
            Set<String> built = ConcurrentHashMap.newKeySet();
            BuildException buildFailure = null;
            try {
                build(plan, options, checked, ReportingHooks.listener(report, localImages(), new LocalBuildStep.Listener() {
                    @Override
                    public void built(VariantPlan variant) {
                        built.add(variant.key());
                        ship.built(variant);
                    }

                    @Override
                    public void failed(VariantPlan variant) {
                        ship.buildFailed(variant);
                    }
                }));
            } catch (BuildException e) {
                buildFailure = e; // the variants already shipping finish first
            }
            try {
                ship.finish();
            } catch (BuildException e) {
                ship.failures().forEach((key, reason) -> report.failed(key, Optional.empty(), reason));
                if (buildFailure == null) {
                    throw e;
                }
                throw new BuildException(buildFailure.getMessage() + "; " + e.getMessage());
            } finally {
                // what finished is recorded even when other variants failed
                manifest(plan, step, built, ship.outputs());
            }
            if (buildFailure != null) {
                throw buildFailure;
            }
        }
        return Cli.OK;
    }

    /** release: everything publish does, then released in the store and the catalog rendered from it. */
    int release(BuildOptions options) {
        buildAndShip(options, Step.RELEASE);
        new ReleaseCatalogStep(stores(), build.log()).run(new ReleaseCatalogStep.Inputs(
                lastConfigs.resolution().variants(), options.custom(), workDir(), build.clock()));
        return Cli.OK;
    }

    /** Appends to work/manifest.json each variant whose every planned action finished in this run. */
    private void manifest(Plan plan, Step step, Set<String> built, CloudStep.Outputs shipped) {
        RunManifest manifest = new RunManifest(workDir(), step, build.clock(), build.log());
        for (VariantPlan variant : plan.variants()) {
            boolean buildDone = !variant.has(Action.BUILD) || built.contains(variant.key());
            boolean shipDone = !CloudStep.ships(variant) || shipped.shipped().contains(variant.key());
            if (!variant.actions().isEmpty() && buildDone && shipDone) {
                manifest.add(variant, Optional.ofNullable(shipped.imported().get(variant.key())),
                        Optional.ofNullable(shipped.published().get(variant.key())));
            }
        }
        manifest.write();
    }

    /** rollback: the plan shows what exists; the step removes what is not published. */
    int rollback(BuildOptions options) {
        Plan plan = plan(options, Step.ROLLBACK);
        try (Leases ignored = Leases.acquire(plan, stores(), build.context().env(), build.log(), true)) {
            return new RollbackStep(build.log()).run(plan, localImages(), stores(), clouds());
        }
    }

    LocalImages localImages() {
        return new LocalImages(workDir().resolve("images"));
    }

    /**
     * Every check the local build needs, then what --revise removes, then the builds: a failed check
     * must not leave the user without the image --revise would have replaced.
     */
    void buildLocally(Plan plan, BuildOptions options) {
        Set<String> built = ConcurrentHashMap.newKeySet();
        try {
            build(plan, options, prepareBuilds(plan, options),
                    ReportingHooks.listener(report, localImages(), new LocalBuildStep.Listener() {
                        @Override
                        public void built(VariantPlan variant) {
                            built.add(variant.key());
                        }
                    }));
        } finally {
            manifest(plan, Step.LOCAL, built, new CloudStep.Outputs(Map.of(), Map.of(), Map.of(), Set.of()));
        }
    }

    /** Every check the builds need, then what --revise removes (a failed check removes nothing). */
    private LocalPreflight.Checked prepareBuilds(Plan plan, BuildOptions options) {
        LocalPreflight.Checked checked = LocalPreflight.check(plan.with(Action.BUILD), workDir(), options.vars(),
                build.context().env(), options.parallel(), build.log());
        Revisions.apply(plan, localImages(), stores(), clouds(), build.log());
        return checked;
    }

    private void build(Plan plan, BuildOptions options, LocalPreflight.Checked checked,
                       LocalBuildStep.Listener listener) {
        new LocalBuildStep(build.log()).run(new LocalBuildStep.Inputs(plan, workDir(), options.vars(),
                options.parallel(), options.debug(), build.context().env(), build.clock(),
                ToolIdentity.of(options.projectDir(), VersionProvider.version())), checked, listener);
    }

    /** How often the pipeline's status line comes (BUILD_STATUS_SECONDS; tests make it short). */
    private java.time.Duration statusEvery() {
        String seconds = build.context().env().get("BUILD_STATUS_SECONDS");
        try {
            return java.time.Duration.ofSeconds(seconds == null ? 30 : Math.max(1, Long.parseLong(seconds.trim())));
        } catch (NumberFormatException e) {
            throw new BuildException("BUILD_STATUS_SECONDS must be a whole number of seconds, got '" + seconds + "'");
        }
    }

    Path workDir() {
        return options.projectDir().resolve("work");
    }

    ConfigsStep.Outputs configs(BuildOptions options) {
        CliContext context = build.context();
        ConfigsStep.Outputs outputs = new ConfigsStep(build.log()).run(new ConfigsStep.Inputs(options.projectDir(),
                options.clean(), options.custom(), options.only(), options.skip(), context.env(), build.clock(),
                options.cleanImages()));
        selection.check(outputs.resolution());
        report.configured(selection.shardOf(selection.named(outputs.resolution().variants().stream()
                .filter(v -> ConfigsStep.selects(v, options.only(), options.skip())).toList())));
        return outputs;
    }

    /**
     * configs, then the plan for {@code step}; for import and publish every planned cloud must be
     * usable. What --revise removes is removed later, by {@link #buildLocally}, after the checks.
     */
    Plan plan(BuildOptions options, Step step) {
        lastConfigs = configs(options);
        return planFrom(lastConfigs, options, step);
    }

    private ConfigsStep.Outputs lastConfigs;

    private Plan planFrom(ConfigsStep.Outputs configs, BuildOptions options, Step step) {
        Plan plan = new PlanStep(build.log(), documentOnStdout() ? build.context().err() : build.context().out())
                .run(new PlanStep.Inputs(configs.resolution().variants(), step, options.revise(), options.only(),
                        options.skip(), workDir(), clouds(), BuilderResources.hashInputs(), build.clock(), stores(),
                        options.disabled(), selection)).plan();
        report.planned(plan);
        for (Action action : List.of(Action.PUBLISH, Action.IMPORT)) {
            if (step != Step.STATE && step.wanted().contains(action) && !options.disabled().contains(action)) {
                CloudSteps.requireAdapters(plan, clouds(), action);
            }
        }
        return plan;
    }
}
