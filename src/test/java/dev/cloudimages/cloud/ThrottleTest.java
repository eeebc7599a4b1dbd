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
        TestTicker time = new TestTicker();
        Throttle throttle = new Throttle(SMALL, time);
        Throttle.Gate frankfurt = throttle.gate("oci", "eu-frankfurt-1");
        assertEquals(0, time.waited(frankfurt::awaitClear), "an open gate does not wait");
        frankfurt.throttled();
        long waited = time.waited(frankfurt::awaitClear);
        assertTrue(waited >= 50 && waited <= 125, "half to all of the 100 ms base, plus the spread: " + waited);
        frankfurt.throttled();
        assertEquals(0, time.waited(() -> throttle.gate("oci", "uk-london-1").awaitClear()), "another region goes on");
        assertEquals(0, time.waited(() -> throttle.gate("gcp", "eu-frankfurt-1").awaitClear()), "another cloud goes on");
        assertTrue(throttle.gate("oci", "eu-frankfurt-1") == frankfurt, "one gate per cloud and region");
        assertEquals(1, frankfurt.waits());
    }

    @Test
    void theBackoffDoublesWhileTooShortUpToTheCapAndStartsOverOnceEnough() {
        TestTicker time = new TestTicker();
        Throttle.Gate gate = new Throttle(SMALL, time).gate("gcp", "global");
        long[] waits = new long[5];
        for (int i = 0; i < waits.length; i++) {
            gate.throttled();
            gate.throttled(); // an answer to a request sent before the gate closed: no longer wait
            waits[i] = time.waited(gate::awaitClear);
        }
        // 50-100, 100-200, 200-400, then the 400 ms cap: 200-400 (each plus up to a quarter, the spread)
        String all = java.util.Arrays.toString(waits);
        assertTrue(waits[0] >= 50 && waits[0] <= 125, all);
        assertTrue(waits[1] >= 100 && waits[1] <= 250, all);
        for (int i = 2; i < waits.length; i++) {
            assertTrue(waits[i] >= 200 && waits[i] <= 500, all);
        }
        time.advance(450); // longer than the last wait without throttling: that wait was enough
        gate.throttled();
        long again = time.waited(gate::awaitClear);
        assertTrue(again >= 50 && again <= 125, "back to the base: " + again);
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

    /**
     * Time for one test thread that passes only when the gate sleeps: the waits are exact, whatever
     * the load on the machine running the tests.
     */
    private static final class TestTicker implements Throttle.Ticker {
        private long now = 1_000_000_000L;

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void sleep(long nanos) {
            now += Math.max(1, nanos);
        }

        void advance(long millis) {
            now += millis * 1_000_000;
        }

        /** Milliseconds that passed while {@code action} ran. */
        long waited(Runnable action) {
            long start = now;
            action.run();
            return (now - start) / 1_000_000;
        }
    }
}
