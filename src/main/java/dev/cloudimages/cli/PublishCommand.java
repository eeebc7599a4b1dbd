package dev.cloudimages.cli;

import picocli.CommandLine.Command;

@Command(name = "publish", description = "set permissions and publish to cloud regions")
class PublishCommand extends StepCommand {

    @Override
    int run(BuildOptions options) {
        return notAvailableYet("publish");
    }
}
