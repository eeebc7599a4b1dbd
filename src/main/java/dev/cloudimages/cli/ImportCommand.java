package dev.cloudimages.cli;

import dev.cloudimages.plan.Plan;
import dev.cloudimages.plan.Step;
import picocli.CommandLine.Command;

@Command(name = "import", description = "import local images to cloud providers")
class ImportCommand extends StepCommand {

    @Override
    int run(BuildOptions options) {
        Plan plan = plan(options, Step.IMPORT, false); // no --revise removals until this step can act
        if (plan.nothingToDo()) {
            return Cli.OK;
        }
        return notAvailableYet("import");
    }
}
