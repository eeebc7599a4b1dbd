package dev.cloudimages.testing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the fakes throttle by: at most N requests per second per region, as a token bucket that
 * holds one second's worth (so a burst of N passes, then N a second). A request beyond it is
 * refused, and the fake answers as the cloud does (429 TooManyRequests, rateLimitExceeded). Off
 * with 0. Rate-based, not "the next k requests", so that many concurrent callers meet it as they
 * would meet a real account's limit, wherever their requests fall.
 */
public final class RateLimit {

    private volatile double perSecond;
    private final Map<String, double[]> buckets = new ConcurrentHashMap<>();
    private final AtomicLong refused = new AtomicLong();

    public RateLimit(double perSecond) {
        this.perSecond = perSecond;
    }

    /** Requests per second per region from now on; 0 turns throttling off. */
    public void set(double perSecond) {
        this.perSecond = perSecond;
        buckets.clear();
    }

    public double perSecond() {
        return perSecond;
    }

    /** Whether a request to {@code region} may go through now (it takes a token), else it is refused. */
    public boolean allow(String region) {
        double rate = perSecond;
        if (rate <= 0) {
            return true;
        }
        double[] bucket = buckets.computeIfAbsent(region, r -> new double[] {rate, System.nanoTime()});
        synchronized (bucket) {
            double now = System.nanoTime();
            bucket[0] = Math.min(rate, bucket[0] + (now - bucket[1]) / 1e9 * rate);
            bucket[1] = now;
            if (bucket[0] >= 1) {
                bucket[0] -= 1;
                return true;
            }
        }
        refused.incrementAndGet();
        return false;
    }

    /** Requests refused so far. */
    public long refused() {
        return refused.get();
    }
}
