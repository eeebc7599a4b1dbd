package dev.cloudimages.cli;

import picocli.CommandLine.Command;

@Command(name = "state", description = "print the plan (actions per variant) and stop")
class StateCommand extends StepCommand {

    @Override
    int run(BuildOptions options) {
        return notAvailableYet("state");
    }
}
