package dev.cloudimages.cloud.aws;

import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The URL-connection HTTP client with its connection failures left to the SDK's retries. That
 * client wraps an IOException raised while it opens the request body's stream (a kept-alive
 * connection the server closed meanwhile: "Unexpected end of file from server") in an
 * UncheckedIOException, which the SDK's retry stage does not catch, so one stale connection failed
 * the whole call (seen against the S3 fake; real endpoints close idle connections too). Such a
 * failure happens before any answer, so sending the request again is what the retry policy is for.
 * A failure to read a finished request's answer ("Unable to read response payload") stays as it
 * is: the request may have taken effect, and a conditional write sent twice would lose its race
 * to itself. The SDK fixes this in later releases (aws-sdk-java-v2 pull request 7347); this goes
 * when the SDK here is one of them ({@code RetryableHttpClientTest} shows whether it still must).
 */
final class RetryableHttpClient implements SdkHttpClient {

    private static final String ANSWER_UNREADABLE = "Unable to read response payload";

    private final SdkHttpClient delegate;

    RetryableHttpClient(SdkHttpClient delegate) {
        this.delegate = delegate;
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        ExecutableHttpRequest prepared = delegate.prepareRequest(request);
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() throws IOException {
                try {
                    return prepared.call();
                } catch (UncheckedIOException e) {
                    IOException cause = e.getCause();
                    if (cause.getMessage() != null && cause.getMessage().startsWith(ANSWER_UNREADABLE)) {
                        throw e;
                    }
                    throw cause;
                }
            }

            @Override
            public void abort() {
                prepared.abort();
            }
        };
    }

    @Override
    public String clientName() {
        return delegate.clientName();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
