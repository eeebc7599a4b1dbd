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
            Operation now = started.getStatus() == Operation.Status.DONE ? started : poll(session, started, what);
            return now.getStatus() == Operation.Status.DONE ? Optional.of(now) : Optional.empty();
        });
        if (done.hasError() && done.getError().getErrorsCount() > 0) {
            String errors = done.getError().getErrorsList().stream().map(e -> e.getCode() + ": " + e.getMessage())
                    .collect(Collectors.joining("; "));
            String hint = errors.contains("QUOTA") ? "; ask for more quota or remove unused images" : "";
            throw new BuildException("gcp: " + what + " failed (" + session.describe() + "): " + errors + hint);
        }
        return done;
    }

    private static Operation poll(GcpSession session, Operation started, String what) {
        try {
            return session.operations().get(session.project(), started.getName());
        } catch (ApiException e) {
            throw GcpFailures.of("waiting for " + what, e, session);
        }
    }
}
