package dev.cloudimages.testing;

import dev.cloudimages.cli.Cli;
import dev.cloudimages.cli.CliContext;
import picocli.CommandLine;

/**
 * The CLI as its own process from the test classpath, without Quarkus packaging: what a CI job's
 * {@code ./build} runs in the tests that start several machines at once ({@link BuildLauncher}).
 */
public final class CliMain {

    private CliMain() {
    }

    public static void main(String[] args) {
        System.exit(Cli.execute(CommandLine.defaultFactory(), CliContext.system(), args));
    }
}
