package dev.cloudimages.testing.aws;

/**
 * A region of the fake account and its opt-in status as DescribeRegions reports it: {@code opt-in-not-required},
 * {@code opted-in} (both usable) or {@code not-opted-in} (every request there fails with AuthFailure).
 */
public record FakeRegion(String name, String optInStatus) {
    public static final String NOT_REQUIRED = "opt-in-not-required";
    public static final String OPTED_IN = "opted-in";
    public static final String NOT_OPTED_IN = "not-opted-in";

    public boolean enabled() {
        return !NOT_OPTED_IN.equals(optInStatus);
    }
}
