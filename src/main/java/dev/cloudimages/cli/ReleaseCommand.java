package dev.cloudimages.cli;

import dev.cloudimages.plan.Step;
import picocli.CommandLine.Command;

@Command(name = "release", description = "publish, mark the images released in the store, and render the catalog "
        + "(work/release/: releases.yaml, images.json, index.html) from every image in the stores")
class ReleaseCommand extends StepCommand {

    @Override
    int run(BuildOptions options) {
        return release(options);
    }
}
