package dev.cloudimages.cli;

import dev.cloudimages.plan.Action;
import dev.cloudimages.support.BuildClock;
import dev.cloudimages.config.ProjectRoot;
import dev.cloudimages.support.Log;
import dev.cloudimages.support.PathDisplay;
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
                "Options may come before or after the step."},
        footer = {"%n'build help STEP' or 'build STEP --help' shows a step's help;"
                + " 'build completion' prints a bash/zsh completion script (see docs/usage.md)."},
        subcommands = {ConfigsCommand.class, StateCommand.class, RollbackCommand.class, LocalCommand.class,
                UploadCommand.class, ImportCommand.class, SignCommand.class, PublishCommand.class, ReleaseCommand.class,
                PruneCommand.class, PlanCommand.class,
                CommandLine.HelpCommand.class, CompletionCommand.class})
public class BuildCommand implements Runnable {

    private final CliContext context;
    private Log log;
    private Path projectDir;

    @Spec
    CommandSpec spec;

    @Option(names = "-C", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "the project directory (default: the nearest one at or above the current directory"
                    + " that holds configs/images.conf)")
    Path directory;

    @Option(names = "--debug", scope = ScopeType.INHERIT,
            description = "debug log lines (QEMU command lines, the builder's console), stack traces on errors,"
                    + " DEBUG=true for the scripts")
    boolean debug;

    @Option(names = "--clean", scope = ScopeType.INHERIT,
            description = "delete and make again what work/ derives or caches: work/configs and work/scripts"
                    + " (re-installed with only this run's --custom overlays), configs.yaml, actions.yaml,"
                    + " work/build (scratch and failed builds' logs), work/cache (release metadata, builder ISOs,"
                    + " acceleration probe) and work/firmware. Built images (work/images) are kept")
    boolean clean;

    @Option(names = "--clean-images", scope = ScopeType.INHERIT,
            description = "delete every local image in work/images (all clouds, selected or not) before the step;"
                    + " not with state. Nothing in the clouds or the artifact store is touched")
    boolean cleanImages;

    @Option(names = "--revise", scope = ScopeType.INHERIT,
            description = "for each selected variant: delete its local image in work/images, delete an image that"
                    + " was imported (or stored) but never published, and give a published one the next revision;"
                    + " with state: only say what it would do")
    boolean revise;

    @Option(names = "--custom", arity = "1..*", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "overlay directories (configs/, scripts/) applied in the order given; remembered in work/"
                    + " for later runs until another --custom or --clean")
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
            description = "ship N variants of each cloud at once (default: aws 8, oci 12, gcp 12, or the "
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
                "missing STEP: one of " + String.join(", ", Cli.steps(spec.commandLine())));
    }

    /**
     * The project this run works on: -C DIR, else found from where the user stands; a usage error
     * (nothing is created) when there is none, rather than a work/ made in the wrong place.
     */
    Path projectDir(CommandLine commandLine) {
        if (projectDir == null) {
            if (directory != null) {
                Path dir = context.cwd().resolve(directory).toAbsolutePath().normalize();
                if (!ProjectRoot.isProject(dir)) {
                    throw new CommandLine.ParameterException(commandLine, "-C " + directory + ": no "
                            + ProjectRoot.MARKER + " there; -C takes a project directory (one holding configs/ and"
                            + " scripts/)");
                }
                projectDir = dir;
            } else {
                String launcher = context.env().get("BUILD_HOME");
                projectDir = ProjectRoot.find(context.cwd()).orElseThrow(() -> new CommandLine.ParameterException(
                        commandLine, "no project at or above " + context.cwd() + " (a directory holding "
                        + ProjectRoot.MARKER + "); cd into one or pass -C DIR"
                        + (launcher == null || launcher.isBlank() ? "" : " (the shipped one: -C " + launcher + ")")));
            }
        }
        return projectDir;
    }

    CliContext context() {
        return context;
    }

    /** The validated options, duplicates dropped in order; invalid values are usage errors (exit 2). */
    BuildOptions options(CommandLine commandLine) {
        // paths on the command line are where the user stands, not in the project
        Path cwd = context.cwd();
        List<Path> customDirs = unique(custom);
        for (Path dir : customDirs) {
            if (!Files.isDirectory(cwd.resolve(dir))) {
                throw new CommandLine.ParameterException(commandLine, "--custom value is not a directory: " + dir);
            }
        }
        List<Path> varsFiles = unique(vars);
        for (Path file : varsFiles) {
            if (!Files.isRegularFile(cwd.resolve(file))) {
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
        if (cleanImages && commandLine.getCommandName().equals("state")) {
            throw new CommandLine.ParameterException(commandLine,
                    "--clean-images deletes images; state changes nothing (run it with the step that rebuilds them)");
        }
        Path project = projectDir(commandLine);
        return new BuildOptions(debug, clean, revise,
                customDirs.stream().map(d -> cwd.resolve(d).toAbsolutePath().normalize()).toList(),
                unique(skip), unique(only), parallel,
                varsFiles.stream().map(f -> cwd.resolve(f).toAbsolutePath().normalize()).toList(), disabled,
                cleanImages, project, cloudParallel);
    }

    /** The console log for this run; colour only on a terminal and without --no-color or NO_COLOR. */
    Log log() {
        if (log == null) {
            boolean color = context.terminal() && !noColor && context.env().get("NO_COLOR") == null;
            log = new Log(context.err(), color, debug,
                    new PathDisplay(context.cwd(), projectDir == null ? context.cwd() : projectDir));
        }
        return log;
    }

    /** The log once the run has one (library log lines before that are dropped). */
    Log logIfReady() {
        return log;
    }

    BuildClock clock() {
        return BuildClock.fromEnvironment(context.env());
    }

    private static <T> List<T> unique(List<T> values) {
        return List.copyOf(new LinkedHashSet<>(values));
    }
}
