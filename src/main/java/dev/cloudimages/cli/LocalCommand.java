package dev.cloudimages.cli;

import dev.cloudimages.local.LocalBuildStep;
import dev.cloudimages.local.LocalPreflight;
import dev.cloudimages.plan.Action;
import dev.cloudimages.plan.LocalImages;
import dev.cloudimages.plan.Plan;
import dev.cloudimages.plan.Revisions;
import dev.cloudimages.plan.Step;
import picocli.CommandLine.Command;

import java.nio.file.Path;

@Command(name = "local", description = "build local images")
class LocalCommand extends StepCommand {

    @Override
    int run(BuildOptions options) {
        Plan plan = plan(options, Step.LOCAL, false);
        CliContext context = build.context();
        Path workDir = context.projectDir().resolve("work");
        // every check before --revise removes an image: a failed check must not leave the user with none
        LocalPreflight.Checked checked = LocalPreflight.check(plan.with(Action.BUILD), workDir, options.vars(),
                context.env(), options.parallel(), build.log());
        Revisions.apply(plan, new LocalImages(workDir.resolve("images")), clouds(), build.log());
        if (plan.nothingToDo()) {
            return Cli.OK;
        }
        new LocalBuildStep(build.log()).run(new LocalBuildStep.Inputs(plan, workDir, options.vars(),
                options.parallel(), options.debug(), context.env(), build.clock()), checked);
        return Cli.OK;
    }
}
