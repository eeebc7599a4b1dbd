package dev.cloudimages.cli;

import dev.cloudimages.config.ConfigsStep;
import picocli.CommandLine.Command;

@Command(name = "configs", description = "resolve build configuration into work/configs.yaml")
class ConfigsCommand extends StepCommand {

    @Override
    int run(BuildOptions options) {
        CliContext context = build.context();
        new ConfigsStep(build.log()).run(new ConfigsStep.Inputs(context.projectDir(), options.clean(),
                options.custom(), options.only(), options.skip(), context.env(), build.clock()));
        return Cli.OK;
    }
}
