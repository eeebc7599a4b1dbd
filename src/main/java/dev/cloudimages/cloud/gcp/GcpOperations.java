package dev.cloudimages.cloud.gcp;

import com.google.api.gax.rpc.ApiException;
import com.google.cloud.compute.v1.Operation;
import dev.cloudimages.cloud.Polling;
import dev.cloudimages.support.BuildException;

import java.time.Duration;
import java.util.Optional;
import java.util.stream.Collectors;

/** Waits for a global Compute operation (image insert, delete, deprecate, labels) with a deadline. */
final class GcpOperations {

    private GcpOperations() {
    }

    /** Polls {@code started} until DONE; an operation that ends with errors is a one-line failure. */
    static Operation await(GcpSession session, Operation started, String what, Duration timeout, String limitKey,
                           Duration interval) {
        Operation done = Polling.until(what, timeout, limitKey, interval, () -> {
            Optional<Operation> now = started.getStatus() == Operation.Status.DONE ? Optional.of(started)
                    : poll(session, started, what);
            return now.filter(o -> o.getStatus() == Operation.Status.DONE);
        });
        if (done.hasError() && done.getError().getErrorsCount() > 0) {
            String errors = done.getError().getErrorsList().stream().map(e -> e.getCode() + ": " + e.getMessage())
                    .collect(Collectors.joining("; "));
            String hint = errors.contains("QUOTA") ? "; ask for more quota or remove unused images" : "";
            throw new BuildException("gcp: " + what + " failed (" + session.describe() + "): " + errors + hint);
        }
        return done;
    }

    /**
     * The operation as it is now, or empty when GCP asks to be asked later: a poll throttled (429)
     * or refused for a moment (503) is only a poll missed, not a failed operation.
     */
    private static Optional<Operation> poll(GcpSession session, Operation started, String what) {
        try {
            return Optional.of(session.operations().get(session.project(), started.getName()));
        } catch (ApiException e) {
            int status = GcpFailures.status(e);
            if (status == 429 || status == 503) {
                return Optional.empty();
            }
            throw GcpFailures.of("waiting for " + what, e, session);
        }
    }
}
