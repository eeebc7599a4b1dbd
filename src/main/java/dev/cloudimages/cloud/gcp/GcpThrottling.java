package dev.cloudimages.cloud.gcp;

import com.google.api.gax.httpjson.ApiMethodDescriptor;
import com.google.api.gax.httpjson.ForwardingHttpJsonClientCall;
import com.google.api.gax.httpjson.ForwardingHttpJsonClientCallListener;
import com.google.api.gax.httpjson.HttpJsonCallOptions;
import com.google.api.gax.httpjson.HttpJsonChannel;
import com.google.api.gax.httpjson.HttpJsonClientCall;
import com.google.api.gax.httpjson.HttpJsonClientInterceptor;
import com.google.api.gax.httpjson.HttpJsonMetadata;
import com.google.api.gax.httpjson.InstantiatingHttpJsonChannelProvider;
import com.google.api.gax.retrying.RetrySettings;
import com.google.api.gax.rpc.ClientSettings;
import com.google.api.gax.rpc.StatusCode;
import com.google.api.gax.rpc.UnaryCallSettings;
import dev.cloudimages.cloud.Throttle;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Compute's rate quotas are per project (images are global), so one {@link Throttle} gate,
 * "gcp/global", stands for all of a run's Compute calls: a gax HTTP/JSON interceptor waits at it
 * before every request (each retry is a new call, so retries too) and closes it on a throttled
 * answer: 429 (RESOURCE_EXHAUSTED), or 403 whose reason is rateLimitExceeded, which is how GCP
 * documents Compute's rate quotas. gax retries 429 (not retried by Compute's defaults) after a
 * short delay of its own, the gate adding the wait. A 403 is not retried: it may be a real
 * permission error, and GcpOperations already takes a missed operation poll as a poll missed.
 * Cloud Storage is left to its client, which retries 429 with its own backoff (its limits are
 * per object and bucket, not the project's Compute quota).
 */
final class GcpThrottling {

    static final String GATE = "global";
    private static final int ATTEMPTS = 8;

    private GcpThrottling() {
    }

    /** The transport and retries for one Compute client's settings (ImagesSettings, GlobalOperationsSettings). */
    static <B extends ClientSettings.Builder<?, ?>> void apply(B settings,
            InstantiatingHttpJsonChannelProvider.Builder transport,
            java.util.function.Consumer<com.google.api.core.ApiFunction<UnaryCallSettings.Builder<?, ?>, Void>> allUnary) {
        Throttle.Gate gate = Throttle.shared().gate("gcp", GATE);
        settings.setTransportChannelProvider(transport.setInterceptorProvider(() -> List.of(interceptor(gate))).build());
        allUnary.accept(method -> {
            Set<StatusCode.Code> codes = EnumSet.noneOf(StatusCode.Code.class);
            codes.addAll(method.getRetryableCodes());
            codes.add(StatusCode.Code.RESOURCE_EXHAUSTED);
            RetrySettings retry = method.getRetrySettings();
            RetrySettings.Builder changed = retry.toBuilder().setMaxAttempts(Math.max(retry.getMaxAttempts(), ATTEMPTS));
            if (retry.getInitialRetryDelayDuration().isZero()) {
                // methods Compute does not retry (insert, delete, ...): a 429 was refused before any change
                changed.setInitialRetryDelayDuration(Duration.ofMillis(100)).setRetryDelayMultiplier(2)
                        .setMaxRetryDelayDuration(Duration.ofSeconds(10));
            }
            method.setRetryableCodes(codes).setRetrySettings(changed.build());
            return null;
        });
    }

    static HttpJsonClientInterceptor interceptor(Throttle.Gate gate) {
        return new HttpJsonClientInterceptor() {
            @Override
            public <Q, R> HttpJsonClientCall<Q, R> interceptCall(ApiMethodDescriptor<Q, R> method,
                                                                 HttpJsonCallOptions options, HttpJsonChannel next) {
                return new ForwardingHttpJsonClientCall.SimpleForwardingHttpJsonClientCall<>(next.newCall(method, options)) {
                    @Override
                    public void start(Listener<R> listener, HttpJsonMetadata headers) {
                        gate.awaitClear();
                        super.start(new ForwardingHttpJsonClientCallListener.SimpleForwardingHttpJsonClientCallListener<>(
                                listener) {
                            @Override
                            public void onClose(int status, HttpJsonMetadata trailers) {
                                if (throttled(status, trailers)) {
                                    gate.throttled();
                                }
                                super.onClose(status, trailers);
                            }
                        }, headers);
                    }
                };
            }
        };
    }

    static boolean throttled(int status, HttpJsonMetadata trailers) {
        if (status == 429) {
            return true;
        }
        Throwable error = trailers == null ? null : trailers.getException();
        return status == 403 && error != null && String.valueOf(error.getMessage()).contains("rateLimitExceeded");
    }
}
