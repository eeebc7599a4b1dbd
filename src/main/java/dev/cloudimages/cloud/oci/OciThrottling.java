package dev.cloudimages.cloud.oci;

import com.oracle.bmc.model.BmcException;
import com.oracle.bmc.retrier.DefaultRetryCondition;
import com.oracle.bmc.retrier.RetryConfiguration;
import com.oracle.bmc.waiter.DelayStrategy;
import com.oracle.bmc.waiter.MaxAttemptsTerminationStrategy;
import dev.cloudimages.cloud.Throttle;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The SDK's retries, with throttling left to the region's {@link Throttle} gate: a 429 answer
 * closes the gate for every client of the region (the request interceptor OciSession registers
 * waits at it before each request), and the SDK's own delay before a retry stays short, since
 * the gate adds the wait. Other retried answers (5xx, 409 IncorrectState, timeouts) back off
 * 100 ms, 200 ms, ... up to 10 s, jittered.
 */
final class OciThrottling {

    /** Before the SDK's signing interceptor: a request that waited is signed with a fresh date. */
    static final int PRIORITY = 0;
    /** Enough for a region under throttling to come round; a broken endpoint still fails within a minute. */
    static final int ATTEMPTS = 8;
    private static final long FIRST_DELAY_MS = 100;
    private static final long MAX_DELAY_MS = 10_000;

    private OciThrottling() {
    }

    static RetryConfiguration retries(Throttle.Gate gate) {
        DefaultRetryCondition sdk = new DefaultRetryCondition();
        return RetryConfiguration.builder()
                .terminationStrategy(new MaxAttemptsTerminationStrategy(ATTEMPTS))
                .delayStrategy(delays())
                .retryCondition((BmcException e) -> {
                    if (e.getStatusCode() == 429) {
                        gate.throttled();
                    }
                    return sdk.shouldBeRetried(e);
                }).build();
    }

    private static DelayStrategy delays() {
        return context -> {
            long ceiling = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS << Math.min(10, Math.max(0, context.getAttemptsMade() - 1)));
            return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
        };
    }
}
