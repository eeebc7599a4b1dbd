package dev.cloudimages.testing.aws;

/**
 * An error as AWS answers it: the code the SDK exposes ({@code awsErrorDetails().errorCode()}), the message and the
 * HTTP status. EC2 writes it as XML; the EBS direct API as JSON with an optional reason.
 */
final class AwsError extends RuntimeException {
    final String code;
    final int status;
    final String reason;

    AwsError(int status, String code, String message) {
        this(status, code, message, null);
    }

    AwsError(int status, String code, String message, String reason) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.reason = reason;
    }

    /** A client error (HTTP 400), the status EC2 gives for almost every refused request. */
    static AwsError client(String code, String message) {
        return new AwsError(400, code, message);
    }
}
