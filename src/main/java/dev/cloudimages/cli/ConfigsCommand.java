package dev.cloudimages.cli;

import picocli.CommandLine.Command;

@Command(name = "configs", description = "resolve build configuration into work/configs.yaml")
class ConfigsCommand extends StepCommand {

    @Override
    int run(BuildOptions options) {
        configs(options);
        return Cli.OK;
    }
}
