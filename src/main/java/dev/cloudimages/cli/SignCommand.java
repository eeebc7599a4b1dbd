package dev.cloudimages.cli;

import dev.cloudimages.plan.Step;
import picocli.CommandLine.Command;

@Command(name = "sign", description = "build, upload and import, then sign images with signing_cmd (the .asc goes to the store)")
class SignCommand extends StepCommand {

    @Override
    int run(BuildOptions options) {
        return buildAndShip(options, Step.SIGN);
    }
}
