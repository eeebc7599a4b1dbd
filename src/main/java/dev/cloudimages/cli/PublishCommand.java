package dev.cloudimages.cli;

import dev.cloudimages.plan.Step;
import picocli.CommandLine.Command;

@Command(name = "publish", description = "set image permissions and publish to cloud regions")
class PublishCommand extends StepCommand {

    @Override
    int run(BuildOptions options) {
        return buildAndShip(options, Step.PUBLISH);
    }
}
