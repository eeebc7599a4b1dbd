package dev.cloudimages.testing;

import dev.cloudimages.cli.Cli;
import dev.cloudimages.cli.CliContext;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One in-process run of the CLI in a project directory: its exit code, stdout and stderr. */
public record CliRun(int code, String out, String err) {

    public static CliRun run(Map<String, String> env, Path project, boolean terminal, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CliContext context = new CliContext(env, project, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), terminal);
        int code = Cli.execute(CommandLine.defaultFactory(), context, args);
        return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A failure is exit 1 with one ERROR line that says what it should, and no stack trace. */
    public static void assertOneLineError(int code, String err, String... expected) {
        assertEquals(Cli.FAILED, code, err);
        List<String> errors = err.lines().filter(l -> l.contains(" ERROR ")).toList();
        assertEquals(1, errors.size(), err);
        for (String part : expected) {
            assertTrue(errors.get(0).contains(part), "expected '" + part + "' in: " + errors.get(0));
        }
        assertFalse(err.contains("\tat "), "no stack trace without --debug: " + err);
    }
}
