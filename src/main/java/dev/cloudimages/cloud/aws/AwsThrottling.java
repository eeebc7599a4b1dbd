package dev.cloudimages.cloud.aws;

import dev.cloudimages.cloud.Throttle;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.retry.RetryUtils;

/**
 * The AWS clients' part in backing off for a whole region ({@link Throttle}): every attempt
 * (retries included) waits at the region's gate before it is sent, and a throttled answer
 * (429, or a throttling error code such as EC2's RequestLimitExceeded or EBS's
 * RequestThrottledException) closes the gate for every client of that region, so the variants
 * shipping at once slow down together instead of each finding the limit for itself.
 */
final class AwsThrottling implements ExecutionInterceptor {

    private final Throttle.Gate gate;

    AwsThrottling(Throttle.Gate gate) {
        this.gate = gate;
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        gate.awaitClear();
    }

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
        // 429 is throttling; EC2 answers RequestLimitExceeded with 503, and a 503 that is only
        // "unavailable" is as good a reason for the region's callers to wait a little
        int status = context.httpResponse().statusCode();
        if (status == 429 || status == 503) {
            gate.throttled();
        }
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        if (context.exception() instanceof AwsServiceException service && RetryUtils.isThrottlingException(service)
                && service.statusCode() != 429 && service.statusCode() != 503) {
            gate.throttled(); // a throttling code with another status (429s and 503s were counted as they came)
        }
    }
}
