package dev.cloudimages.cli;

import dev.cloudimages.plan.Step;
import picocli.CommandLine.Command;

@Command(name = "rollback", description = "remove local, stored and imported images that are neither published nor released")
class RollbackCommand extends StepCommand {

    @Override
    int run(BuildOptions options) {
        return rollback(options);
    }
}
