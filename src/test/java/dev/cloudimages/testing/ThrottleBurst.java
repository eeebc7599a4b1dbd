package dev.cloudimages.testing;

import dev.cloudimages.cloud.Throttle;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many callers at once through one gate of the shared throttle, against a fake cloud's rate limit,
 * and what the gate promises whichever cloud it is for: every call gets through, every 429 the fake
 * answers reaches the gate, callers wait there, and backing off as a whole keeps the refused
 * requests under the calls made (each caller retrying alone, most of them would be refused).
 *
 * @param answeredAtGate the 429s the gate counted during the burst
 * @param waits          the waits at the gate (since it was made)
 */
public record ThrottleBurst(String cloud, int calls, int callers, double seconds, long answeredAtGate, long waits) {

    /** One request to the fake cloud. */
    @FunctionalInterface
    public interface Call {
        void run() throws Exception;
    }

    /**
     * Each of {@code callers} threads makes {@code callsEach} calls; {@code meanwhile} runs on this
     * thread while they do (another region's request, say).
     */
    public static ThrottleBurst run(String cloud, Throttle.Gate gate, int callers, int callsEach, Call call,
                                    Call meanwhile) throws Exception {
        long throttledBefore = gate.throttledAnswers();
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        long start = System.nanoTime();
        try {
            List<Future<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                calls.add(pool.submit(() -> {
                    for (int n = 0; n < callsEach; n++) {
                        call.run();
                    }
                    return callsEach;
                }));
            }
            meanwhile.run();
            int done = 0;
            for (Future<Integer> finished : calls) {
                done += finished.get();
            }
            assertEquals(callers * callsEach, done, "every call got through");
        } finally {
            pool.shutdownNow();
        }
        return new ThrottleBurst(cloud, callers * callsEach, callers, (System.nanoTime() - start) / 1e9,
                gate.throttledAnswers() - throttledBefore, gate.waits());
    }

    /**
     * The gate's promises, given the requests the fake refused with 429; {@code gateOf} says whose
     * gate it is ("region", "project"), and the fake's limit holds when the burst took
     * {@code leastSeconds} or more.
     */
    public void assertBackedOffAsAWhole(long refused, String gateOf, double leastSeconds) {
        System.out.printf(Locale.ROOT, "%s: %d calls by %d callers in %.1f s, %d answered 429, %d waits at the gate%n",
                cloud, calls, callers, seconds, refused, waits);
        assertTrue(refused > 0, "the fake throttled: the test means something");
        assertEquals(refused, answeredAtGate, "every 429 reached the " + gateOf + "'s gate");
        assertTrue(waits > 0, "callers waited at the gate");
        assertTrue(seconds >= leastSeconds, "the limit held: " + seconds + " s");
        assertTrue(refused < calls, refused + " refused of " + calls + " in " + seconds + " s");
    }
}
