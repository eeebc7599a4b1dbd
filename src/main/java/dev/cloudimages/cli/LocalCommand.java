package dev.cloudimages.cli;

import dev.cloudimages.plan.Step;
import picocli.CommandLine.Command;

@Command(name = "local", description = "build local images")
class LocalCommand extends StepCommand {

    @Override
    int run(BuildOptions options) {
        buildLocally(plan(options, Step.LOCAL), options);
        return Cli.OK;
    }
}
