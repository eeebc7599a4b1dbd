package dev.cloudimages.testing;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How long a fake cloud's long operations take before they finish, by operation name ("import",
 * "export", "insert", ...): the real clouds' times divided by a scale, so a benchmark can run
 * "real minutes as fake seconds" (scale 60) and tests stay fast ({@link #NONE}: operations finish
 * as soon as they have been polled, as before). An operation finishes when it has been polled
 * the fake's usual number of times and its latency has passed.
 */
public record Latency(Map<String, Duration> operations) {

    public static final Latency NONE = new Latency(Map.of());

    /**
     * Rough real durations for a small (about 200 MiB of data) Alpine image; the clouds publish
     * none, these are what such imports usually take. OCI: a QCOW2 import work request about
     * 10 minutes, an export about 5; a regional copy is an export's import, 10 again.
     */
    public static final Map<String, Duration> OCI_REAL = Map.of("import", Duration.ofMinutes(10),
            "export", Duration.ofMinutes(5));

    /** GCP: images.insert from a 1 GiB tar.gz about 2 minutes; deprecate, setLabels, delete a few seconds. */
    public static final Map<String, Duration> GCP_REAL = Map.of("insert", Duration.ofMinutes(2),
            "deprecate", Duration.ofSeconds(5), "setLabels", Duration.ofSeconds(5), "delete", Duration.ofSeconds(20));

    /** {@code real} with every duration divided by {@code scale} (60: a real minute is a fake second). */
    public static Latency scaled(Map<String, Duration> real, double scale) {
        Map<String, Duration> scaled = new LinkedHashMap<>();
        real.forEach((operation, duration) -> scaled.put(operation,
                Duration.ofNanos((long) (duration.toNanos() / scale))));
        return new Latency(Map.copyOf(scaled));
    }

    public Duration of(String operation) {
        return operations.getOrDefault(operation, Duration.ZERO);
    }

    /** Whether an operation of this kind started at {@code startedNanos} (System.nanoTime) is done by now. */
    public boolean passed(String operation, long startedNanos) {
        return System.nanoTime() - startedNanos >= of(operation).toNanos();
    }
}
