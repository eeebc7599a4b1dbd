package dev.cloudimages.cloud;

import dev.cloudimages.support.BuildClock;
import dev.cloudimages.support.Log;

import java.time.Duration;

/**
 * What a cloud step gives an adapter besides the job: the log, the build's clock (for the
 * timestamps written into tags), and how often to poll long operations (tests poll fast).
 */
public record CloudContext(Log log, BuildClock clock, Duration pollInterval) {

    public static final Duration DEFAULT_POLL = Duration.ofSeconds(10);

    /** The build's "now" to the second, ISO 8601 ("2026-11-18T00:00:00Z"): the imported/published tags. */
    public String timestamp() {
        return clock.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }
}
