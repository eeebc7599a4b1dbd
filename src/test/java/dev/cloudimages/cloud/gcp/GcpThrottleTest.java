package dev.cloudimages.cloud.gcp;

import com.google.cloud.compute.v1.ListImagesRequest;
import dev.cloudimages.cloud.Throttle;
import dev.cloudimages.testing.gcp.FakeGcp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
            Throttle.Gate gate = Throttle.shared().gate("gcp", GcpThrottling.GATE);
            long throttledBefore = gate.throttledAnswers();
            ExecutorService pool = Executors.newFixedThreadPool(CALLERS);
            long start = System.nanoTime();
            try {
                List<Future<Integer>> calls = new ArrayList<>();
                for (int i = 0; i < CALLERS; i++) {
                    calls.add(pool.submit(() -> {
                        for (int n = 0; n < CALLS; n++) {
                            session.images().list(ListImagesRequest.newBuilder().setProject(FakeGcp.PROJECT)
                                    .setFilter("(labels.project = \"cloudimages-test\")").build()).iterateAll()
                                    .forEach(image -> { });
                        }
                        return CALLS;
                    }));
                }
                int done = 0;
                for (Future<Integer> call : calls) {
                    done += call.get();
                }
                assertEquals(CALLERS * CALLS, done, "every call got through");
            } finally {
                pool.shutdownNow();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long refused = f.gcp.throttled();
            System.out.printf(java.util.Locale.ROOT, "%s: %d calls by %d callers in %.1f s, %d answered 429, %d waits"
                    + " at the gate%n", "gcp", CALLERS * CALLS, CALLERS, seconds, refused, gate.waits());
            assertTrue(refused > 0, "the fake throttled: the test means something");
            assertEquals(refused, gate.throttledAnswers() - throttledBefore, "every 429 reached the project's gate");
            assertTrue(gate.waits() > 0, "callers waited at the gate");
            // a burst of 25, then 25 a second: 96 calls take about 3 s
            assertTrue(seconds >= 2.5, "the limit held: " + seconds + " s");
            assertTrue(refused < CALLERS * CALLS, refused + " refused of " + CALLERS * CALLS + " in " + seconds + " s");
        }
    }
}
