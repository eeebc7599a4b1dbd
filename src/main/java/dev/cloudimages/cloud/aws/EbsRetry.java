package dev.cloudimages.cloud.aws;

import dev.cloudimages.cloud.Polling;
import dev.cloudimages.support.BuildException;
import software.amazon.awssdk.core.exception.SdkException;

import java.time.Duration;
import java.util.Set;

/**
 * How an EBS direct request on a new snapshot is retried, beyond the SDK's own tries:
 * <ul>
 * <li>{@code ResourceNotFoundException}: right after StartSnapshot the EBS direct API may not know
 * the snapshot for up to about 2 minutes (the EBS team's advice: retry, cap about 2 min), so it is
 * retried until {@code import.consistency_timeout} after the start;</li>
 * <li>throttling ({@code RequestThrottledException}, {@code ConcurrentLimitExceededException},
 * {@code ThrottlingException}): backed off and retried until the import's deadline;</li>
 * <li>a refused request (validation, access) fails at once; anything else (5xx) a few times.</li>
 * </ul>
 */
final class EbsRetry {

    static final Set<String> THROTTLED = Set.of("RequestThrottledException", "ConcurrentLimitExceededException",
            "ThrottlingException");
    private static final Set<String> REFUSED = Set.of("ValidationException", "AccessDeniedException");
    private static final int OTHER_ATTEMPTS = 5;
    private static final Duration LONGEST_WAIT = Duration.ofSeconds(10);

    private final String snapshotId;
    private final long unknownUntil;
    private final long deadline;
    private final Duration consistency;

    /** For requests on {@code snapshotId}, started at {@code startedAt} (System.nanoTime()). */
    EbsRetry(String snapshotId, long startedAt, Duration consistency, long deadline) {
        this.snapshotId = snapshotId;
        this.unknownUntil = startedAt + consistency.toNanos();
        this.consistency = consistency;
        this.deadline = deadline;
    }

    void run(String what, Runnable request) {
        int failures = 0;
        for (int attempt = 1; ; attempt++) {
            try {
                request.run();
                return;
            } catch (SdkException e) {
                String code = AwsFailures.code(e);
                long now = System.nanoTime();
                if (code.equals("ResourceNotFoundException")) {
                    if (now - unknownUntil >= 0) {
                        throw new BuildException("EBS direct still did not know snapshot " + snapshotId + " "
                                + Polling.human(consistency) + " after StartSnapshot (" + what + ": "
                                + AwsFailures.message(e) + "); raise import.consistency_timeout if AWS needs longer");
                    }
                } else if (THROTTLED.contains(code)) {
                    if (now - deadline >= 0) {
                        throw e;
                    }
                } else if (REFUSED.contains(code) || ++failures >= OTHER_ATTEMPTS) {
                    throw e;
                }
                Backoff.sleep(attempt, LONGEST_WAIT);
            }
        }
    }
}
