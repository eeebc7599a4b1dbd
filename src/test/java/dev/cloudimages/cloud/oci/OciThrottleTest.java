package dev.cloudimages.cloud.oci;

import dev.cloudimages.cloud.Throttle;
import dev.cloudimages.testing.ThrottleBurst;
import dev.cloudimages.testing.oci.FakeOci;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

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
            OciImages images = new OciImages(OciSession.open(f.env), f.log);
            long[] otherMillis = new long[1];
            ThrottleBurst burst = ThrottleBurst.run("oci", Throttle.shared().gate("oci", OciFixture.HOME), CALLERS,
                    CALLS, () -> images.find(OciFixture.HOME, FakeOci.COMPARTMENT, "cloudimages-test",
                            OciFixture.BUILD, null),
                    () -> {
                        long other = System.nanoTime();
                        images.find("uk-london-1", FakeOci.COMPARTMENT, "cloudimages-test", OciFixture.BUILD, null);
                        otherMillis[0] = (System.nanoTime() - other) / 1_000_000;
                    });
            assertTrue(otherMillis[0] < 2_000, "another region is not held up: " + otherMillis[0] + " ms");
            // a burst of 20, then 20 a second: 80 calls take 3 s at least
            burst.assertBackedOffAsAWhole(f.oci.throttled(), "region", 2.5);
        }
    }
}
