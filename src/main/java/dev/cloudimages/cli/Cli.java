package dev.cloudimages.cli;

import dev.cloudimages.support.BuildException;
import dev.cloudimages.support.LibraryLog;
import dev.cloudimages.support.Log;
import dev.cloudimages.support.Suggestions;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the picocli command line with the project's exit codes and one-line error reporting. */
public final class Cli {

    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    /** EX_TEMPFAIL (sysexits.h): another machine holds the work; try again later. */
    public static final int TEMPORARY = 75;

    private Cli() {
    }

    public static int execute(CommandLine.IFactory factory, CliContext context, String... args) {
        CommandLine commandLine = commandLine(factory, context);
        BuildCommand top = commandLine.getCommand();
        // the log exists once the options are read; a library that logs before that has nothing to say yet
        try (LibraryLog ignored = LibraryLog.install(top::logIfReady)) {
            return commandLine.execute(args);
        }
    }

    /** What the help lists under "Exit status", for every command: one list, here. */
    static final Map<String, String> EXIT_CODES = exitCodes();

    private static Map<String, String> exitCodes() {
        Map<String, String> codes = new LinkedHashMap<>();
        codes.put(OK + "", "done (also: nothing to do)");
        codes.put(FAILED + "", "failed; one ERROR line says what and what to do");
        codes.put(USAGE + "", "usage error (bad option or value, unknown step, no project); nothing was changed");
        codes.put(TEMPORARY + "", "another machine holds the lease on a variant in the artifact store; run it again later");
        return codes;
    }

    /** The pipeline's steps, in order (not help or completion). */
    static List<String> steps(CommandLine commandLine) {
        CommandLine root = commandLine;
        while (root.getParent() != null) {
            root = root.getParent();
        }
        return root.getSubcommands().entrySet().stream()
                .filter(e -> e.getValue().getCommandSpec().userObject() instanceof StepCommand)
                .map(Map.Entry::getKey).toList();
    }

    static CommandLine commandLine(CommandLine.IFactory factory, CliContext context) {
        BuildCommand top = new BuildCommand(context);
        CommandLine commandLine = new CommandLine(top, factory);
        for (CommandLine command : all(commandLine)) {
            command.getCommandSpec().usageMessage().exitCodeListHeading("%nExit status:%n").exitCodeList(EXIT_CODES);
            command.getCommandSpec().versionProvider(new VersionProvider());
        }
        commandLine.setOut(new PrintWriter(context.out(), true));
        commandLine.setErr(new PrintWriter(context.err(), true));
        commandLine.setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException ? USAGE : FAILED);
        commandLine.setParameterExceptionHandler((e, args) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("build: " + usageMessage(e));
            err.println("Try 'build --help' for usage.");
            err.flush();
            return USAGE;
        });
        commandLine.setExecutionExceptionHandler((e, cl, parseResult) -> {
            Log log = top.log();
            if (e instanceof BuildException failure) {
                // values quoted in a message may hold newlines; an error stays one line
                log.error("%s", e.getMessage().replace("\n", "\\n"));
                log.debugTrace(e);
                return failure.exitCode();
            } else {
                log.error("internal error: %s%s", e.getClass().getSimpleName(),
                        e.getMessage() == null ? "" : ": " + e.getMessage().replace('\n', ' ')
                                + (log.isDebug() ? "" : " (run with --debug for the stack trace)"));
            }
            log.debugTrace(e);
            return FAILED;
        });
        return commandLine;
    }

    private static List<CommandLine> all(CommandLine commandLine) {
        List<CommandLine> all = new ArrayList<>(List.of(commandLine));
        commandLine.getSubcommands().values().forEach(sub -> all.addAll(all(sub)));
        return all;
    }

    /** An unknown word where the step belongs is named as such, with the steps (picocli says "Unmatched argument"). */
    private static String usageMessage(CommandLine.ParameterException e) {
        CommandLine commandLine = e.getCommandLine();
        if (e instanceof CommandLine.UnmatchedArgumentException unmatched && commandLine.getParent() == null
                && !unmatched.getUnmatched().isEmpty() && !unmatched.getUnmatched().get(0).startsWith("-")) {
            String word = unmatched.getUnmatched().get(0);
            List<String> steps = steps(commandLine);
            return "unknown step '" + word + "'" + Suggestions.didYouMean(word, steps) + "; steps: "
                    + String.join(", ", steps);
        }
        return e.getMessage();
    }
}
