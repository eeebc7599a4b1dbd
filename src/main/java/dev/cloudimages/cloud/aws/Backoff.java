package dev.cloudimages.cloud.aws;

import dev.cloudimages.cloud.Polling;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Waits that grow between tries: 100 ms, 200 ms, 400 ms ... up to a cap, each with up to a quarter
 * more at random, so the block uploads that hit the same answer at once do not all retry in step.
 */
final class Backoff {

    private static final long FIRST_MS = 100;

    private Backoff() {
    }

    /** Sleeps before try number {@code attempt} + 1 (the first retry is attempt 1). */
    static void sleep(int attempt, Duration cap) {
        long base = Math.min(cap.toMillis(), FIRST_MS << Math.min(Math.max(attempt - 1, 0), 20));
        Polling.sleep(Duration.ofMillis(base + ThreadLocalRandom.current().nextLong(base / 4 + 1)));
    }
}
