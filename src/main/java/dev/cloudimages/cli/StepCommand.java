package dev.cloudimages.cli;

import dev.cloudimages.support.BuildException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** A build step: validates the shared options, then hands over to the pipeline. Kept thin on purpose. */
abstract class StepCommand implements Callable<Integer> {

    @ParentCommand
    BuildCommand build;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() {
        BuildOptions options = build.options(spec.commandLine());
        build.log().debug("step %s with %s", spec.name(), options);
        return run(options);
    }

    abstract int run(BuildOptions options);

    /** Steps that later work will fill in say so plainly instead of pretending to succeed. */
    static int notAvailableYet(String step) {
        throw new BuildException("step '" + step + "' is not available yet in this version of build;"
                + " 'configs' is (run: ./build configs)");
    }
}
