package dev.cloudimages.cloud.aws;

import dev.cloudimages.cloud.CloudSettings;
import software.amazon.awssdk.core.exception.SdkException;

import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;

/**
 * EC2 is eventually consistent: an AMI, snapshot or copy this run has just made may still be
 * unknown ({@code InvalidAMIID.NotFound}, {@code InvalidSnapshot.NotFound}) to the next requests
 * that name it, usually for seconds, sometimes for minutes. A call naming such an id is tried again
 * with growing waits until {@code <block>.consistency_timeout} has passed. An id this run did not
 * make is not waited for: it really is not there.
 */
final class Eventually {

    static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);
    static final Set<String> NOT_FOUND = Set.of("InvalidAMIID.NotFound", "InvalidSnapshot.NotFound",
            "InvalidSnapshotID.NotFound");
    private static final Duration LONGEST_WAIT = Duration.ofSeconds(10);

    private final AwsSession session;
    private final Duration timeout;

    Eventually(AwsSession session, Duration timeout) {
        this.session = session;
        this.timeout = timeout;
    }

    /** {@code block} is "import" or "publish": the settings block whose consistency_timeout applies. */
    static Eventually of(AwsSession session, CloudSettings settings, String block) {
        return new Eventually(session, settings.duration(block + ".consistency_timeout", DEFAULT_TIMEOUT));
    }

    Duration timeout() {
        return timeout;
    }

    /** Runs a call that names {@code ids}; retried while AWS does not know one of them yet and this run made it. */
    <T> T call(Supplier<T> call, String... ids) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (SdkException e) {
                if (!NOT_FOUND.contains(AwsFailures.code(e)) || !session.madeAny(ids)
                        || System.nanoTime() - deadline >= 0) {
                    throw e;
                }
                Backoff.sleep(attempt, LONGEST_WAIT);
            }
        }
    }

    void run(Runnable call, String... ids) {
        call(() -> {
            call.run();
            return null;
        }, ids);
    }
}
