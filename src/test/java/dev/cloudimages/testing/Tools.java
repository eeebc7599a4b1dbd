package dev.cloudimages.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Host tools the tests need. scripts/install-deps installs them; a missing one fails the test and says which. */
public final class Tools {

    private Tools() {
    }

    public static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    public static void require(String... tools) {
        for (String tool : tools) {
            if (!onPath(tool)) {
                throw new AssertionError(tool + " is not installed; scripts/install-deps installs what the tests"
                        + " need (scripts/install-deps --check lists what is missing)");
            }
        }
    }
}
