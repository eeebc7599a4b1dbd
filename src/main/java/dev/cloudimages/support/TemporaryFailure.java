package dev.cloudimages.support;

/**
 * A failure that goes away by itself (another machine holds the work): exit 75, EX_TEMPFAIL of
 * sysexits.h, which CI engines and retry wrappers can tell from a real failure.
 */
public class TemporaryFailure extends BuildException {

    public static final int EX_TEMPFAIL = 75;

    public TemporaryFailure(String message) {
        super(message);
    }

    @Override
    public int exitCode() {
        return EX_TEMPFAIL;
    }
}
