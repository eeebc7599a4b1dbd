package dev.cloudimages.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a run of the CLI sees of the world: environment, the directory the user stands in (the
 * project is found from there, see {@link dev.cloudimages.config.ProjectRoot}) and streams.
 */
public record CliContext(Map<String, String> env, Path cwd, PrintStream out, PrintStream err, boolean terminal) {

    public static CliContext system() {
        return new CliContext(System.getenv(), Path.of("").toAbsolutePath(), System.out, System.err,
                System.console() != null);
    }
}
