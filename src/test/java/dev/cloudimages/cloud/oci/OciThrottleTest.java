package dev.cloudimages.cloud.oci;

import dev.cloudimages.cloud.Throttle;
import dev.cloudimages.testing.oci.FakeOci;
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
 * Many callers at once against the fake OCI's rate limit (20 Core calls a second per region, on
 * by default): every call gets through, the region's gate closed for all of them on the first
 * 429s (so fewer requests are refused than callers make), and another region is not held up.
 */
class OciThrottleTest {

    private static final int CALLERS = 16;
    private static final int CALLS = 5;

    @TempDir
    Path dir;

    @Test
    void manyConcurrentCallersGetThroughAndTheRegionBacksOffAsAWhole() throws Exception {
        try (OciFixture f = new OciFixture(dir)) {
            OciSession session = OciSession.open(f.env);
            OciImages images = new OciImages(session, f.log);
            Throttle.Gate gate = Throttle.shared().gate("oci", OciFixture.HOME);
            long throttledBefore = gate.throttledAnswers();
            ExecutorService pool = Executors.newFixedThreadPool(CALLERS);
            long start = System.nanoTime();
            try {
                List<Future<Integer>> calls = new ArrayList<>();
                for (int i = 0; i < CALLERS; i++) {
                    calls.add(pool.submit(() -> {
                        for (int n = 0; n < CALLS; n++) {
                            images.find(OciFixture.HOME, FakeOci.COMPARTMENT, "cloudimages-test", OciFixture.BUILD, null);
                        }
                        return CALLS;
                    }));
                }
                long other = System.nanoTime();
                images.find("uk-london-1", FakeOci.COMPARTMENT, "cloudimages-test", OciFixture.BUILD, null);
                long otherMillis = (System.nanoTime() - other) / 1_000_000;
                int done = 0;
                for (Future<Integer> call : calls) {
                    done += call.get();
                }
                assertEquals(CALLERS * CALLS, done, "every call got through");
                assertTrue(otherMillis < 2_000, "another region is not held up: " + otherMillis + " ms");
            } finally {
                pool.shutdownNow();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long refused = f.oci.throttled();
            long answered = gate.throttledAnswers() - throttledBefore;
            System.out.printf(java.util.Locale.ROOT, "%s: %d calls by %d callers in %.1f s, %d answered 429, %d waits"
                    + " at the gate%n", "oci", CALLERS * CALLS, CALLERS, seconds, refused, gate.waits());
            assertTrue(refused > 0, "the fake throttled: the test means something");
            assertEquals(refused, answered, "every 429 reached the region's gate");
            assertTrue(gate.waits() > 0, "callers waited at the gate");
            // a burst of 20, then 20 a second: 80 calls take 3 s at least, and backing off as a whole
            // keeps the refused ones well under the calls made (each caller retrying alone: most of them)
            assertTrue(seconds >= 2.5, "the limit held: " + seconds + " s");
            assertTrue(refused < CALLERS * CALLS, refused + " refused of " + CALLERS * CALLS + " in " + seconds + " s");
        }
    }
}
