package dev.cloudimages.cloud.gcp;

import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.BaseServiceException;
import dev.cloudimages.support.BuildException;

/**
 * The one place GCP errors become messages: one line saying what was being done, in which
 * project, what GCP answered, and what to do. Credentials never appear.
 */
final class GcpFailures {

    private GcpFailures() {
    }

    static BuildException of(String doing, RuntimeException e, GcpSession session) {
        int status = status(e);
        String message = message(e);
        if (status == 401) {
            return new BuildException("gcp: the credentials were refused while " + doing + " (" + session.describe()
                    + "); " + GcpSession.LOGIN_HINT, e);
        }
        if (status == 429 || (status == 403 && e.getMessage() != null && e.getMessage().contains("rateLimitExceeded"))) {
            // what is left after every caller backed off at the project's gate and gax retried
            return new BuildException("gcp: the project's Compute rate quota stayed exceeded while " + doing + " ("
                    + session.describe() + "): " + message + "; run again later, or ship fewer variants at once"
                    + " (--cloud-parallel)", e);
        }
        if (status == 403 && message.toLowerCase(java.util.Locale.ROOT).contains("quota")) {
            return new BuildException("gcp: quota exceeded while " + doing + " (" + session.describe() + "): "
                    + message + "; ask for more quota or remove unused images", e);
        }
        if (status == 403) {
            return new BuildException("gcp: permission denied while " + doing + " (" + session.describe() + "): "
                    + message + "; docs/gcp.md (Publish) lists the roles import and publish need", e);
        }
        return new BuildException("gcp: " + doing + " failed (" + session.describe() + "): " + message, e);
    }

    /** The HTTP status GCP answered with, or 0 for a client-side failure. */
    static int status(Throwable e) {
        if (e instanceof ApiException api && api.getStatusCode() != null) {
            Object transport = api.getStatusCode().getTransportCode();
            if (transport instanceof Integer code) {
                return code;
            }
            StatusCode.Code code = api.getStatusCode().getCode();
            return code == null ? 0 : code.getHttpStatusCode();
        }
        if (e instanceof BaseServiceException service) {
            return service.getCode();
        }
        return 0;
    }

    static boolean notFound(Throwable e) {
        return status(e) == 404;
    }

    static String message(Throwable e) {
        Throwable cause = e;
        String text = e.getMessage();
        // gax wraps the HTTP error; the innermost message is GCP's own words
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
            if (cause.getMessage() != null) {
                text = cause.getMessage();
            }
        }
        // the HTTP transports give "403 Forbidden POST URL {json}": GCP's own words are the error's message
        java.util.regex.Matcher json = GCP_MESSAGE.matcher(text == null ? "" : text);
        return json.find() ? oneLine(json.group(1).replace("\\\"", "\"")) : oneLine(text);
    }

    private static final java.util.regex.Pattern GCP_MESSAGE =
            java.util.regex.Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    static String oneLine(String text) {
        if (text == null) {
            return "no detail";
        }
        String line = text.replaceAll("\\s+", " ").trim();
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }
}
