package dev.cloudimages.cloud.oci;

import com.oracle.bmc.model.BmcException;
import dev.cloudimages.support.BuildException;

/**
 * The one place OCI errors become messages: one line saying what was being done, where, what OCI
 * answered (its service code and message, without the SDK's troubleshooting essay), and what to do.
 */
final class OciFailures {

    private OciFailures() {
    }

    static BuildException of(String doing, BmcException e, OciSession session) {
        return of(doing, e.getStatusCode(), e.getServiceCode() == null ? "" : e.getServiceCode(), message(e), session, e);
    }

    /** The same for an answer that did not come through an SDK client (its status, code and message). */
    static BuildException of(String doing, int status, String code, String message, OciSession session) {
        return of(doing, status, code, message.isBlank() ? "no detail" : message.replaceAll("\\s+", " ").trim(),
                session, null);
    }

    private static BuildException of(String doing, int status, String code, String message, OciSession session,
                                     Throwable cause) {
        if (status == 401 || code.equals("NotAuthenticated")) {
            return new BuildException("oci: not authenticated while " + doing + " (" + session.describe() + "): "
                    + message + "; " + session.loginHint(), cause);
        }
        if (code.equals("NotAuthorizedOrNotFound") || status == 403) {
            return new BuildException("oci: access denied while " + doing + " (" + session.describe() + "): " + code
                    + ": " + message + "; check that the compartment and bucket exist and the policies docs/oci.md lists"
                    + " for import and publish", cause);
        }
        if (code.equals("LimitExceeded") || code.equals("QuotaExceeded")) {
            return new BuildException("oci: a limit was reached while " + doing + " (" + session.describe() + "): "
                    + code + ": " + message + "; remove unused custom images or request a higher limit", cause);
        }
        if (status <= 0) {
            // the SDK's "status" of a request that got no answer (connection refused, DNS, timeout)
            return new BuildException("oci: " + doing + " failed (" + session.describe() + "): no answer from OCI ("
                    + message.replaceFirst("^.*Exception: ", "") + ")", cause);
        }
        return new BuildException("oci: " + doing + " failed (" + session.describe() + "): "
                + (code.isEmpty() ? "HTTP " + status : code) + ": " + message, cause);
    }

    static boolean notFound(BmcException e) {
        return e.getStatusCode() == 404;
    }

    private static String message(BmcException e) {
        String text = e.getUnmodifiedMessage() != null ? e.getUnmodifiedMessage() : e.getMessage();
        return text == null ? "no detail" : text.replaceAll("\\s+", " ").trim();
    }
}
