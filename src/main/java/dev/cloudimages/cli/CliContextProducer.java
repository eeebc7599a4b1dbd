package dev.cloudimages.cli;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Lets Quarkus build commands through CDI too; the process's own context is the only one there is. */
@Singleton
public class CliContextProducer {

    @Produces
    @Singleton
    CliContext cliContext() {
        return CliContext.system();
    }
}
