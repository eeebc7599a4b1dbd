package dev.cloudimages.cli;

import dev.cloudimages.plan.Step;
import picocli.CommandLine.Command;

@Command(name = "import", description = "import local images to cloud providers")
class ImportCommand extends StepCommand {

    @Override
    int run(BuildOptions options) {
        return buildAndShip(options, Step.IMPORT);
    }
}
