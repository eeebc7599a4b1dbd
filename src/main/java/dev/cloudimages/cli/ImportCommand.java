package dev.cloudimages.cli;

import picocli.CommandLine.Command;

@Command(name = "import", description = "import local images to cloud providers")
class ImportCommand extends StepCommand {

    @Override
    int run(BuildOptions options) {
        return notAvailableYet("import");
    }
}
