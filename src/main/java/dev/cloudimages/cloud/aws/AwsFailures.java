package dev.cloudimages.cloud.aws;

import dev.cloudimages.support.BuildException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

import java.util.Optional;
import java.util.Set;

/**
 * The one place AWS errors become messages: one line saying what was being done, where, what AWS
 * answered, and what to do. Credentials never appear (the SDK's messages do not carry them).
 */
final class AwsFailures {

    private static final Set<String> DENIED = Set.of("AuthFailure", "UnauthorizedOperation", "AccessDenied",
            "AccessDeniedException", "InvalidClientTokenId", "SignatureDoesNotMatch", "OptInRequired");
    private static final Set<String> EXPIRED = Set.of("ExpiredToken", "ExpiredTokenException", "RequestExpired",
            "InvalidToken");

    private AwsFailures() {
    }

    static BuildException of(String doing, SdkException e, AwsSession session) {
        String code = code(e);
        Optional<CallSite.Call> call = CallSite.of(e);
        String region = call.map(CallSite.Call::region).filter(r -> !r.isEmpty()).orElse(session.region());
        if (DENIED.contains(code) && session.notOptedIn(region)) {
            return new BuildException("aws: " + doing + " failed: region " + region + " is not enabled for this account"
                    + " (AWS answers " + code + " there); enable it with 'aws account enable-region --region-name "
                    + region + "' or in the console's account settings, or use another region", e);
        }
        if (call.isPresent() && unreachable(e)) {
            return new BuildException("aws: " + doing + " failed: cannot connect to " + call.get().endpoint() + " ("
                    + call.get().service() + " " + call.get().operation() + "): " + rootMessage(e)
                    + "; check the network and any AWS_ENDPOINT_URL* setting", e);
        }
        if (call.isPresent() && e instanceof AwsServiceException service && service.statusCode() >= 500
                && !hasDetails(service)) {
            return new BuildException("aws: " + doing + " failed (" + session.describe() + "): " + call.get().service()
                    + " " + call.get().operation() + " at " + call.get().endpoint() + " answered HTTP "
                    + service.statusCode() + " with no body, also when tried again; try again later", e);
        }
        if (EXPIRED.contains(code)) {
            return new BuildException("aws: credentials expired while " + doing + " (" + session.describe() + "); "
                    + session.loginHint(), e);
        }
        if (DENIED.contains(code)) {
            return new BuildException("aws: access denied while " + doing + " (" + session.describe() + "): "
                    + code + ": " + message(e) + "; check the IAM permissions docs/aws.md lists for import and"
                    + " publish, or " + session.loginHint(), e);
        }
        return new BuildException("aws: " + doing + " failed (" + session.describe() + "): "
                + (code.isEmpty() ? "" : code + ": ") + message(e), e);
    }

    /** The AWS error code ("AuthFailure"), or "" for a client-side failure. */
    static String code(Throwable e) {
        if (e instanceof AwsServiceException service) {
            if (service.awsErrorDetails() != null && service.awsErrorDetails().errorCode() != null) {
                return service.awsErrorDetails().errorCode();
            }
            // the URL-connection client gets no body with a 401 to a POST (the JDK keeps it to retry
            // authentication), so EC2's AuthFailure arrives as a bare status
            if (service.statusCode() == 401) {
                return "AuthFailure";
            }
            if (service.statusCode() == 403) {
                return "AccessDenied";
            }
        }
        return "";
    }

    private static boolean hasDetails(AwsServiceException service) {
        return service.awsErrorDetails() != null && service.awsErrorDetails().errorCode() != null;
    }

    /** The request never got an answer: connection refused, unknown host, no route. */
    private static boolean unreachable(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.net.ConnectException || cause instanceof java.net.UnknownHostException
                    || cause instanceof java.net.NoRouteToHostException) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : oneLine(root.getMessage());
    }

    static String message(SdkException e) {
        if (e instanceof AwsServiceException service && service.awsErrorDetails() != null
                && service.awsErrorDetails().errorMessage() != null) {
            return oneLine(service.awsErrorDetails().errorMessage());
        }
        if (e instanceof AwsServiceException service && (service.statusCode() == 401 || service.statusCode() == 403)) {
            return "AWS did not accept the request's credentials (HTTP " + service.statusCode() + ")";
        }
        return firstSentence(e.getMessage());
    }

    /** SDK client messages run on with advice for SDK developers; the first sentence is what happened. */
    static String firstSentence(String message) {
        if (message == null) {
            return "no detail";
        }
        String line = oneLine(message);
        int end = line.indexOf(". ");
        return end > 0 ? line.substring(0, end) : line;
    }

    private static String oneLine(String text) {
        return text.replaceAll("\\s+", " ").trim();
    }
}
