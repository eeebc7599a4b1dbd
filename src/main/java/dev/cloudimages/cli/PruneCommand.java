package dev.cloudimages.cli;

import dev.cloudimages.config.ConfigsStep;
import dev.cloudimages.config.ResolvedVariant;
import dev.cloudimages.prune.PruneRules;
import dev.cloudimages.prune.PruneStep;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.util.List;

@Command(name = "prune", description = {"list the project's images in every region of the selected variants' clouds and"
        + " in the stores, and say which the prune rules (configs: prune { ... }) would remove and why; nothing"
        + " changes without --really. The newest revision of each variant, and its released one, are never removed"})
class PruneCommand extends StepCommand {

    @Option(names = "--really", description = "remove what the dry run lists: the images in the clouds with their"
            + " storage, and their records in the store")
    boolean really;

    @Option(names = "--keep-revisions", paramLabel = "N", description = "keep the newest N revisions of each build"
            + " (prune.keep_revisions)")
    Integer keepRevisions;

    @Option(names = "--edge-days", paramLabel = "N", description = "remove edge images N days old or more"
            + " (prune.edge_days)")
    Integer edgeDays;

    @Option(names = "--unused-days", paramLabel = "N", description = "remove AWS images not launched for N days"
            + " (prune.unused_days)")
    Integer unusedDays;

    @Option(names = "--end-of-life", paramLabel = "true|false", arity = "1", description = "remove images whose end of"
            + " life has passed (prune.end_of_life)")
    Boolean endOfLife;

    @Override
    int run(BuildOptions options) {
        ConfigsStep.Outputs configs = configs(options);
        List<ResolvedVariant> all = configs.resolution().variants();
        List<ResolvedVariant> selected = all.stream()
                .filter(v -> ConfigsStep.selects(v, options.only(), options.skip())).toList();
        // prune judges ages by the wall clock: the build clock may be SOURCE_DATE_EPOCH, fixed in the past
        new PruneStep(stores(), clouds(), build.log(), build.context().out()).run(new PruneStep.Inputs(all, selected,
                new PruneRules.Overrides(endOfLife, keepRevisions, edgeDays, unusedDays), really, Instant.now(),
                build.clock()));
        return Cli.OK;
    }
}
