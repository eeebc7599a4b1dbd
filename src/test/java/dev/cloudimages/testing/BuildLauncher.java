package dev.cloudimages.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A {@code ./build} for a test project that runs {@link CliMain} from the test classpath in a JVM
 * of its own: a CI job, or one of several machines started at once, calls it as a user calls the
 * repository's launcher, with no packaging step in the test's way.
 */
public final class BuildLauncher {

    private BuildLauncher() {
    }

    /** Writes {@code project/build} (executable) and returns it. */
    public static Path into(Path project) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        String script = "#!/bin/sh\n"
                + "# the CLI from the test classpath (written by BuildLauncher)\n"
                + "exec '" + java + "' -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Daws.disableEc2Metadata=true"
                + " -Djava.util.logging.manager=org.jboss.logmanager.LogManager"
                + " -cp '" + System.getProperty("java.class.path") + "' " + CliMain.class.getName() + " \"$@\"\n";
        Path launcher = project.resolve("build");
        try {
            Files.writeString(launcher, script);
            Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return launcher;
    }
}
