package dev.cloudimages.cloud;

import dev.cloudimages.support.BuildException;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Waits for a long cloud operation (a snapshot, an import task, a copy) with a deadline: every
 * wait in the cloud steps ends, either with the result or with a message saying what timed out
 * and which setting raises the limit.
 */
public final class Polling {

    private Polling() {
    }

    /**
     * Calls {@code check} every {@code interval} until it returns a value or {@code timeout} has
     * passed; {@code what} names the operation and {@code limitKey} the setting for the limit.
     */
    public static <T> T until(String what, Duration timeout, String limitKey, Duration interval,
                              Supplier<Optional<T>> check) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<T> result = check.get();
            if (result.isPresent()) {
                return result.get();
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new BuildException(what + " did not finish within " + human(timeout)
                        + (limitKey == null ? "" : "; raise " + limitKey + " if it needs longer"));
            }
            sleep(interval);
        }
    }

    public static void sleep(Duration interval) {
        try {
            Thread.sleep(Math.max(1, interval.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BuildException("interrupted");
        }
    }

    public static String human(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds % 3600 == 0 && seconds > 0) {
            return seconds / 3600 + " h";
        }
        if (seconds % 60 == 0 && seconds > 0) {
            return seconds / 60 + " min";
        }
        return seconds + " s";
    }
}
