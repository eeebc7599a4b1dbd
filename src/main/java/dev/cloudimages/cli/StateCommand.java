package dev.cloudimages.cli;

import dev.cloudimages.plan.Step;
import picocli.CommandLine.Command;

@Command(name = "state", description = "show what each variant needs (writes work/actions.yaml); changes nothing")
class StateCommand extends StepCommand {

    @Override
    int run(BuildOptions options) {
        plan(options, Step.STATE);
        return Cli.OK;
    }
}
