package dev.cloudimages.cloud.aws;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

import java.util.Map;

/**
 * What the s3:// artifact store takes from the aws adapter, so that both find the profile,
 * region, credentials and endpoint one way: the adapter's own session (AWS_ENDPOINT_URL_S3 or
 * AWS_ENDPOINT_URL with path-style addressing, timeouts, retries) and its reading of AWS errors.
 */
public final class AwsStoreAccess {

    private final AwsSession session;

    private AwsStoreAccess(AwsSession session) {
        this.session = session;
    }

    /** The session the environment describes; one line ("aws: no region ...") when there is none. */
    public static AwsStoreAccess open(Map<String, String> env) {
        return new AwsStoreAccess(AwsSession.open(env));
    }

    /** The S3 client of the session's region. */
    public S3Client s3() {
        return session.s3(session.region());
    }

    public String region() {
        return session.region();
    }

    /** Where S3 requests go: the overriding endpoint, or S3's own host in the region. */
    public String endpoint() {
        return session.endpoint("S3").map(Object::toString)
                .orElse("https://s3." + session.region() + ".amazonaws.com");
    }

    /** "profile 'x' in us-east-1", for messages. */
    public String describe() {
        return session.describe();
    }

    public String loginHint() {
        return session.loginHint();
    }

    /** AWS's error code ("AccessDenied"), or "" for a failure on this side. */
    public static String code(Throwable e) {
        return AwsFailures.code(e);
    }

    /** AWS's own words, one line. */
    public static String message(SdkException e) {
        return AwsFailures.message(e);
    }
}
