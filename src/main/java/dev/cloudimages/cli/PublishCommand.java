package dev.cloudimages.cli;

import dev.cloudimages.plan.Plan;
import dev.cloudimages.plan.Step;
import picocli.CommandLine.Command;

@Command(name = "publish", description = "set image permissions and publish to cloud regions")
class PublishCommand extends StepCommand {

    @Override
    int run(BuildOptions options) {
        Plan plan = plan(options, Step.PUBLISH, false); // no --revise removals until this step can act
        if (plan.nothingToDo()) {
            return Cli.OK;
        }
        return notAvailableYet("publish");
    }
}
