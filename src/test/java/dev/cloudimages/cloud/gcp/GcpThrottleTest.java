package dev.cloudimages.cloud.gcp;

import com.google.cloud.compute.v1.ListImagesRequest;
import dev.cloudimages.cloud.Throttle;
import dev.cloudimages.testing.ThrottleBurst;
import dev.cloudimages.testing.gcp.FakeGcp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * Many callers at once against the fake GCP's rate quota (25 Compute requests a second, GCP's
 * 1,500 a minute, on by default): every call gets through (gax retries the 429s), and the
 * project's gate closed for all callers on the first of them.
 */
class GcpThrottleTest {

    private static final int CALLERS = 16;
    private static final int CALLS = 6;

    @TempDir
    Path dir;

    @Test
    void manyConcurrentCallersGetThroughAndTheProjectBacksOffAsAWhole() throws Exception {
        try (GcpFixture f = new GcpFixture(dir); GcpSession session = GcpSession.open(f.env)) {
            ThrottleBurst burst = ThrottleBurst.run("gcp", Throttle.shared().gate("gcp", GcpThrottling.GATE), CALLERS,
                    CALLS, () -> session.images().list(ListImagesRequest.newBuilder().setProject(FakeGcp.PROJECT)
                            .setFilter("(labels.project = \"cloudimages-test\")").build()).iterateAll()
                            .forEach(image -> { }),
                    () -> { });
            // a burst of 25, then 25 a second: 96 calls take about 3 s
            burst.assertBackedOffAsAWhole(f.gcp.throttled(), "project", 2.5);
        }
    }
}
