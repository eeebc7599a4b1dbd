package dev.cloudimages.cli;

import dev.cloudimages.local.LocalBuildStep;
import dev.cloudimages.plan.Plan;
import dev.cloudimages.plan.Step;
import picocli.CommandLine.Command;

@Command(name = "local", description = "build local images")
class LocalCommand extends StepCommand {

    @Override
    int run(BuildOptions options) {
        Plan plan = plan(options, Step.LOCAL);
        if (plan.nothingToDo()) {
            return Cli.OK;
        }
        CliContext context = build.context();
        new LocalBuildStep(build.log()).run(new LocalBuildStep.Inputs(plan, context.projectDir().resolve("work"),
                options.vars(), options.parallel(), options.debug(), context.env(), build.clock()));
        return Cli.OK;
    }
}
