package dev.cloudimages.cli;

import picocli.CommandLine.Command;

@Command(name = "local", description = "build local images")
class LocalCommand extends StepCommand {

    @Override
    int run(BuildOptions options) {
        return notAvailableYet("local");
    }
}
