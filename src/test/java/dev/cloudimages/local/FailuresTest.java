package dev.cloudimages.local;

import dev.cloudimages.support.Log;
import dev.cloudimages.support.PathDisplay;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FailuresTest {

    private final Path project = Path.of("/p");
    private final Log log = new Log(new PrintStream(new ByteArrayOutputStream()), false, false, PathDisplay.at(project));

    @Test
    void manyBuildsFailingForOneReasonAreOneShortCause() {
        List<LocalBuildStep.Failed> failed = new ArrayList<>();
        for (int i = 0; i < 72; i++) {
            failed.add(new LocalBuildStep.Failed("v" + i, "script 'setup' exited with status 1",
                    project.resolve("work/build/aws/b" + i + "/build.log")));
        }
        failed.add(new LocalBuildStep.Failed("odd", "QEMU ended", project.resolve("work/build/gcp/odd/build.log")));
        String summary = Failures.summary(failed, log);
        assertEquals("73 build(s) failed for 2 reasons: script 'setup' exited with status 1 (72 builds: v0, v1, v2"
                + " and 69 more; logs work/build/aws/<build name>/build.log); QEMU ended (odd; log"
                + " work/build/gcp/odd/build.log)", summary);
        assertTrue(summary.length() < 300, summary);
    }
}
