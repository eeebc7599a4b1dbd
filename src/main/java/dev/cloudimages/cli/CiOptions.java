package dev.cloudimages.cli;

import dev.cloudimages.plan.Shard;
import dev.cloudimages.plan.VariantSelection;
import dev.cloudimages.report.OutputFormat;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The options that make a step a CI engine's unit of work: exact variants, a shard of the
 * selection, and a machine-readable document of the run on stdout. A mixin of {@link BuildCommand},
 * so every step has them, wherever they stand on the command line.
 */
public class CiOptions {

    @Option(names = "--variant", arity = "1..*", paramLabel = "KEY", scope = ScopeType.INHERIT,
            description = "only these variants, by their full key as 'state' prints it (with --only/--skip: both apply)")
    List<String> variants = new ArrayList<>();

    @Option(names = "--shard", paramLabel = "I/N", scope = ScopeType.INHERIT,
            description = "only part I of N (from 0) of the selected variants; 'auto': GitLab's CI_NODE_INDEX/"
                    + "CI_NODE_TOTAL or JOB_COMPLETION_INDEX/BUILD_SHARDS")
    String shard;

    @Option(names = "--output", paramLabel = "FORMAT", scope = ScopeType.INHERIT,
            description = "print a document of the run (schema build/v1) on stdout: json or yaml; logs stay on stderr")
    String output;

    /** --variant and --shard, checked; a bad --shard is a usage error (exit 2). */
    VariantSelection selection(CommandLine commandLine, Map<String, String> env) {
        Optional<Shard> parsed = Optional.empty();
        if (shard != null) {
            try {
                parsed = Optional.of(Shard.parse(shard, env));
            } catch (dev.cloudimages.support.BuildException e) {
                throw new CommandLine.ParameterException(commandLine, e.getMessage());
            }
        }
        return new VariantSelection(variants, parsed);
    }

    Optional<OutputFormat> output(CommandLine commandLine) {
        if (output == null) {
            return Optional.empty();
        }
        return Optional.of(OutputFormat.parse(output).orElseThrow(() -> new CommandLine.ParameterException(
                commandLine, "--output takes json or yaml, got '" + output + "'")));
    }
}
