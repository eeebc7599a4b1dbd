package dev.cloudimages.support;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * The one "now" the tool uses for anything it writes (edge release dates, end-of-life checks,
 * timestamps). Follows the reproducible-builds convention: SOURCE_DATE_EPOCH wins when set.
 */
public record BuildClock(Instant now, boolean fromSourceDateEpoch) {

    public static final String SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH";

    public static BuildClock fromEnvironment(Map<String, String> env) {
        String epoch = env.get(SOURCE_DATE_EPOCH);
        if (epoch == null || epoch.isBlank()) {
            return new BuildClock(Instant.now(), false);
        }
        try {
            return new BuildClock(Instant.ofEpochSecond(Long.parseLong(epoch.trim())), true);
        } catch (NumberFormatException e) {
            throw new BuildException(SOURCE_DATE_EPOCH + " must be a whole number of seconds since 1970-01-01 UTC, got '"
                    + epoch + "'; unset it or fix its value");
        }
    }

    public LocalDate todayUtc() {
        return now.atZone(ZoneOffset.UTC).toLocalDate();
    }
}
