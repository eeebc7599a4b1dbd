package dev.cloudimages.cloud;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Backing off for a whole cloud region, not per call. Clouds throttle an account (a tenancy, a
 * project) per region, so when one of the calls a release makes concurrently is throttled (429,
 * TooManyRequests, RequestLimitExceeded, rateLimitExceeded), the others would be too: a per-call
 * retry only has each caller find that out for itself, and the burst of retries keeps the limit
 * hit. Here the first throttled answer closes the region's {@link Gate} for a jittered
 * exponential backoff, and every caller to that cloud and region waits at the gate before its next
 * request. The backoff doubles while it proves too short (up to a cap) and starts small again
 * once one has been enough.
 *
 * <p>How an adapter adopts it: before every HTTP request (retries included) call
 * {@link Gate#awaitClear()}; on every throttled answer call {@link Gate#throttled()}; let the SDK's
 * own retry do the retrying, with a short delay of its own, since the gate now adds the wait.
 * OCI does it with a request interceptor and a retry condition ({@code OciSession}), GCP with a
 * gax HTTP/JSON interceptor ({@code GcpThrottling}). For AWS (SDK v2) the same two calls fit an
 * {@code ExecutionInterceptor}: {@code beforeTransmission} awaits the gate, {@code
 * afterExecution}/{@code onExecutionFailure} report a throttled status or error code
 * ({@code RetryUtils.isThrottlingException}) to {@code throttled()}; register it with
 * {@code overrideConfiguration(c -> c.addExecutionInterceptor(...))} on each regional client.
 */
public final class Throttle {

    /** Backoff after the first throttled answer, doubled per further one, jittered, at most {@code cap}. */
    public record Backoff(Duration base, Duration cap) {

        /** The AWS SDK's figures for throttled requests (500 ms base, 20 s cap); OCI and GCP document none. */
        public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(20));

        /** The longest backoff at {@code level} (0 for the first throttled answer). */
        Duration ceiling(int level) {
            long millis = base.toMillis() << Math.min(level, 20);
            return Duration.ofMillis(Math.min(cap.toMillis(), Math.max(1, millis)));
        }
    }

    /** Where the gates read the time and wait: the system's, or a test's that sleeps by moving its clock. */
    public interface Ticker {
        Ticker SYSTEM = new Ticker() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void sleep(long nanos) throws InterruptedException {
                Thread.sleep(Math.max(1, (nanos + 999_999) / 1_000_000));
            }
        };

        long nanoTime();

        void sleep(long nanos) throws InterruptedException;
    }

    private static final Throttle SHARED = new Throttle(Backoff.DEFAULT);

    private volatile Backoff backoff;
    private final Ticker ticker;
    private final Map<String, Gate> gates = new ConcurrentHashMap<>();

    public Throttle(Backoff backoff) {
        this(backoff, Ticker.SYSTEM);
    }

    public Throttle(Backoff backoff, Ticker ticker) {
        this.backoff = backoff;
        this.ticker = ticker;
    }

    /** The one the adapters share: every session of the process to a region waits at the same gate. */
    public static Throttle shared() {
        return SHARED;
    }

    /** Tests and the benchmark scale the backoff with the fakes' time; gates keep their state. */
    public void backoff(Backoff backoff) {
        this.backoff = backoff;
    }

    public Backoff backoff() {
        return backoff;
    }

    public Gate gate(String cloud, String region) {
        return gates.computeIfAbsent(cloud + "/" + region, Gate::new);
    }

    /** One cloud region's gate. */
    public final class Gate {

        private final String name;
        /** Until when (the ticker's nanoTime) callers wait. */
        private long closedUntil = ticker.nanoTime();
        private long lastWait;
        private int level;
        private final AtomicLong throttledAnswers = new AtomicLong();
        private final AtomicLong waits = new AtomicLong();

        private Gate(String name) {
            this.name = name;
        }

        public String name() {
            return name;
        }

        /** Waits until the region's backoff has passed; at once when it is not throttled. */
        public void awaitClear() {
            boolean waited = false;
            while (true) {
                long left;
                synchronized (this) {
                    left = closedUntil - ticker.nanoTime();
                    if (left <= 0 && waited) {
                        // the waiting callers come back spread over a quarter of the wait, not all at once
                        left = ThreadLocalRandom.current().nextLong(lastWait / 4 + 1);
                        waited = false;
                        waits.incrementAndGet();
                        if (left < 1_000_000) {
                            return;
                        }
                    } else if (left <= 0) {
                        return;
                    } else {
                        waited = true;
                    }
                }
                try {
                    ticker.sleep(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new dev.cloudimages.support.BuildException("interrupted");
                }
            }
        }

        /**
         * A request to this region was throttled: the gate closes for a random time between half and
         * all of the current backoff (equal jitter, so callers do not come back in step). The
         * backoff doubles when throttling comes back sooner after the gate reopened than the last
         * wait lasted (that wait was too short), and starts from the base again when the region went
         * at least that long without (the last wait was enough; the load came back since). An answer
         * that comes while the gate is closed was to a request sent before: it changes nothing.
         */
        public void throttled() {
            throttledAnswers.incrementAndGet();
            Backoff current = backoff;
            synchronized (this) {
                long now = ticker.nanoTime();
                if (now < closedUntil) {
                    return;
                }
                if (now - closedUntil >= lastWait) {
                    level = 0;
                }
                long ceiling = current.ceiling(level).toNanos();
                lastWait = ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
                closedUntil = now + lastWait;
                level++;
            }
        }

        /** Throttled answers seen (for tests, the benchmark and the summary). */
        public long throttledAnswers() {
            return throttledAnswers.get();
        }

        /** Requests that had to wait at the gate. */
        public long waits() {
            return waits.get();
        }
    }
}
