package dev.cloudimages.cli;

import dev.cloudimages.plan.Action;
import dev.cloudimages.support.BuildClock;
import dev.cloudimages.support.Log;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/** {@code build [OPTIONS] STEP}: the options every step shares; the steps are subcommands. */
@Command(name = "build",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        synopsisSubcommandLabel = "STEP",
        commandListHeading = "%nSteps:%n",
        usageHelpAutoWidth = true,
        description = {"Turns layered HOCON configs into cloud VM images and ships them to the clouds.",
                "A later step implies the earlier ones: configs -> state -> local -> upload -> import -> sign"
                        + " -> publish (upload and sign only for variants with a storage_url).",
                "Exit status: 0 done, 1 failed, 2 usage error, 75 another machine holds the work (try again)."},
        subcommands = {ConfigsCommand.class, StateCommand.class, RollbackCommand.class, LocalCommand.class,
                UploadCommand.class, ImportCommand.class, SignCommand.class, PublishCommand.class, PlanCommand.class})
public class BuildCommand implements Runnable {

    private final CliContext context;
    private Log log;

    @Spec
    CommandSpec spec;

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "enable debug output and stack traces")
    boolean debug;

    @Option(names = "--clean", scope = ScopeType.INHERIT, description = "start with a clean work environment")
    boolean clean;

    @Option(names = "--revise", scope = ScopeType.INHERIT,
            description = "bump revisions if images are already published")
    boolean revise;

    @Option(names = "--custom", arity = "1..*", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "overlay custom directory in the work environment (in the order given)")
    List<Path> custom = new ArrayList<>();

    @Option(names = "--skip", arity = "1..*", paramLabel = "KEY", scope = ScopeType.INHERIT,
            description = "skip variants with any of these dimension keys")
    List<String> skip = new ArrayList<>();

    @Option(names = "--only", arity = "1..*", paramLabel = "KEY", scope = ScopeType.INHERIT,
            description = "only variants with all of these dimension keys")
    List<String> only = new ArrayList<>();

    @Option(names = "--no-color", scope = ScopeType.INHERIT, description = "turn off coloured output")
    boolean noColor;

    @Option(names = "--parallel", paramLabel = "N", scope = ScopeType.INHERIT, defaultValue = "1",
            description = "build N images in parallel (default: ${DEFAULT-VALUE})")
    int parallel = 1;

    @Option(names = "--cloud-parallel", paramLabel = "N", scope = ScopeType.INHERIT, defaultValue = "0",
            description = "ship N variants of each cloud at once (default: aws 8, oci 4, gcp 4, or the "
                    + "variants' 'concurrency' setting)")
    int cloudParallel;

    @Option(names = "--vars", arity = "1..*", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "additional tunables file(s) for the builder VM")
    List<Path> vars = new ArrayList<>();

    @Option(names = "--disable", arity = "1..*", paramLabel = "STEP", scope = ScopeType.INHERIT,
            description = "leave out these steps: import, sign, publish (disabling import disables publish)")
    List<String> disable = new ArrayList<>();

    /** --variant, --shard, --output: what a CI engine's job needs (issue 21). */
    @picocli.CommandLine.Mixin
    CiOptions ci = new CiOptions();

    public BuildCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "missing STEP: one of " + String.join(", ", spec.subcommands().keySet()));
    }

    CliContext context() {
        return context;
    }

    /** The validated options, duplicates dropped in order; invalid values are usage errors (exit 2). */
    BuildOptions options(CommandLine commandLine) {
        List<Path> customDirs = unique(custom);
        for (Path dir : customDirs) {
            if (!Files.isDirectory(context.projectDir().resolve(dir))) {
                throw new CommandLine.ParameterException(commandLine, "--custom value is not a directory: " + dir);
            }
        }
        List<Path> varsFiles = unique(vars);
        for (Path file : varsFiles) {
            if (!Files.isRegularFile(context.projectDir().resolve(file))) {
                throw new CommandLine.ParameterException(commandLine, "--vars value is not a file: " + file);
            }
        }
        if (parallel < 1) {
            throw new CommandLine.ParameterException(commandLine, "--parallel must be 1 or more, got " + parallel);
        }
        if (cloudParallel < 0) {
            throw new CommandLine.ParameterException(commandLine, "--cloud-parallel must be 1 or more, got "
                    + cloudParallel);
        }
        java.util.Set<Action> disabled = java.util.EnumSet.noneOf(Action.class);
        for (String step : disable) {
            switch (step) {
                case "import" -> disabled.addAll(List.of(Action.IMPORT, Action.PUBLISH));
                case "sign" -> disabled.add(Action.SIGN);
                case "publish" -> disabled.add(Action.PUBLISH);
                default -> throw new CommandLine.ParameterException(commandLine,
                        "--disable takes import, sign or publish, got '" + step + "'");
            }
        }
        return new BuildOptions(debug, clean, revise,
                customDirs.stream().map(d -> context.projectDir().resolve(d).normalize()).toList(),
                unique(skip), unique(only), parallel,
                varsFiles.stream().map(f -> context.projectDir().resolve(f).normalize()).toList(), disabled,
                cloudParallel);
    }

    /** The console log for this run; colour only on a terminal and without --no-color or NO_COLOR. */
    Log log() {
        if (log == null) {
            boolean color = context.terminal() && !noColor && context.env().get("NO_COLOR") == null;
            log = new Log(context.err(), color, debug);
        }
        return log;
    }

    BuildClock clock() {
        return BuildClock.fromEnvironment(context.env());
    }

    private static <T> List<T> unique(List<T> values) {
        return List.copyOf(new LinkedHashSet<>(values));
    }
}
