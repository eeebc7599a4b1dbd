package dev.cloudimages.cloud.aws;

import software.amazon.awssdk.awscore.AwsExecutionAttribute;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.regions.Region;

import java.util.Arrays;
import java.util.Optional;

/**
 * Which request failed, and where: the SDK's exceptions for a bare 5xx or a refused connection do
 * not say which operation or endpoint it was. Every client carries this interceptor; it attaches
 * the call to the failure (as a suppressed marker), and {@link AwsFailures} names it in the line.
 */
final class CallSite implements ExecutionInterceptor {

    /** The failed call: "EC2", "RegisterImage", "http://127.0.0.1:4566", "us-east-1". */
    record Call(String service, String operation, String endpoint, String region) {
    }

    /** Carries a {@link Call} on the failure it belongs to; no stack trace, never thrown. */
    static final class Marker extends RuntimeException {
        private final transient Call call;

        Marker(Call call) {
            super(call.toString(), null, false, false);
            this.call = call;
        }
    }

    @Override
    public Throwable modifyException(Context.FailedExecution context, ExecutionAttributes attributes) {
        Throwable failure = context.exception();
        String endpoint = context.httpRequest().map(CallSite::endpoint)
                .orElseGet(() -> Optional.ofNullable(attributes.getAttribute(SdkExecutionAttribute.CLIENT_ENDPOINT))
                        .map(Object::toString).orElse("?"));
        String region = Optional.ofNullable(attributes.getAttribute(AwsExecutionAttribute.AWS_REGION))
                .map(Region::id).orElse("");
        failure.addSuppressed(new Marker(new Call(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME),
                attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), endpoint, region)));
        return failure;
    }

    /** The call a failure came from, when a client of this session made it. */
    static Optional<Call> of(Throwable failure) {
        return Arrays.stream(failure.getSuppressed()).filter(Marker.class::isInstance)
                .map(m -> ((Marker) m).call).findFirst();
    }

    private static String endpoint(SdkHttpRequest request) {
        java.net.URI uri = request.getUri();
        return uri.getScheme() + "://" + uri.getAuthority();
    }
}
