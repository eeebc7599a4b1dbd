package dev.cloudimages.cli;

import dev.cloudimages.plan.Step;
import picocli.CommandLine.Command;

@Command(name = "upload", description = "build, then store images, checksums and metadata in each variant's storage_url")
class UploadCommand extends StepCommand {

    @Override
    int run(BuildOptions options) {
        return buildAndShip(options, Step.UPLOAD);
    }
}
