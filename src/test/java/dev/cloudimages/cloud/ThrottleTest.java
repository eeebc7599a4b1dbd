package dev.cloudimages.cloud;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gate's rules, without a cloud: who waits, how long, and when the backoff grows or starts over. */
class ThrottleTest {

    private static final Throttle.Backoff SMALL = new Throttle.Backoff(Duration.ofMillis(100), Duration.ofMillis(400));

    @Test
    void aThrottledAnswerMakesEveryCallerToTheRegionWaitAndNoOtherRegion() {
        Throttle throttle = new Throttle(SMALL);
        Throttle.Gate frankfurt = throttle.gate("oci", "eu-frankfurt-1");
        assertTrue(millis(frankfurt::awaitClear) < 20, "an open gate does not wait");
        frankfurt.throttled();
        long waited = millis(frankfurt::awaitClear);
        assertTrue(waited >= 45 && waited <= 150, "half to all of the 100 ms base: " + waited);
        assertTrue(millis(() -> throttle.gate("oci", "uk-london-1").awaitClear()) < 20, "another region goes on");
        assertTrue(millis(() -> throttle.gate("gcp", "eu-frankfurt-1").awaitClear()) < 20, "another cloud goes on");
        assertTrue(throttle.gate("oci", "eu-frankfurt-1") == frankfurt, "one gate per cloud and region");
        assertEquals(1, frankfurt.waits());
    }

    @Test
    void theBackoffDoublesWhileTooShortUpToTheCapAndStartsOverOnceEnough() {
        Throttle.Gate gate = new Throttle(SMALL).gate("gcp", "global");
        long[] waits = new long[5];
        for (int i = 0; i < waits.length; i++) {
            gate.throttled();
            gate.throttled(); // an answer to a request sent before the gate closed: no longer wait
            waits[i] = millis(gate::awaitClear);
        }
        // 50-100, 100-200, 200-400, then the 400 ms cap: 200-400 (each plus up to a quarter, the spread)
        assertTrue(waits[0] <= 150 && waits[2] >= 190 && waits[3] >= 190 && waits[4] <= 560,
                java.util.Arrays.toString(waits));
        sleep(450); // longer than the last wait without throttling: that wait was enough
        gate.throttled();
        assertTrue(millis(gate::awaitClear) <= 150, "back to the base");
        assertEquals(11, gate.throttledAnswers());
    }

    @Test
    void manyWaitingCallersComeBackSpreadOutNotInStep() throws Exception {
        Throttle.Gate gate = new Throttle(new Throttle.Backoff(Duration.ofMillis(200), Duration.ofSeconds(1)))
                .gate("oci", "us-ashburn-1");
        gate.throttled();
        Thread[] callers = new Thread[16];
        long[] back = new long[callers.length];
        long start = System.nanoTime();
        for (int i = 0; i < callers.length; i++) {
            int n = i;
            callers[i] = new Thread(() -> {
                gate.awaitClear();
                back[n] = (System.nanoTime() - start) / 1_000_000;
            });
            callers[i].start();
        }
        for (Thread caller : callers) {
            caller.join();
        }
        java.util.Arrays.sort(back);
        assertTrue(back[0] >= 90, "every caller waited for the region: " + java.util.Arrays.toString(back));
        assertTrue(back[back.length - 1] - back[0] >= 5, "and they came back spread: " + java.util.Arrays.toString(back));
        assertEquals(callers.length, gate.waits());
    }

    private static long millis(Runnable action) {
        long start = System.nanoTime();
        action.run();
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
