package dev.cloudimages.report;

import dev.cloudimages.cloud.PublishResult;
import dev.cloudimages.cloud.ReleaseHooks;
import dev.cloudimages.cloud.RemoteImage;
import dev.cloudimages.local.LocalBuildStep;
import dev.cloudimages.plan.Action;
import dev.cloudimages.plan.LocalImages;
import dev.cloudimages.plan.VariantPlan;

import java.util.Optional;

/**
 * The release's hooks and the build's listener, passed through unchanged, with each step that
 * succeeded written into a {@link RunReport}: the run's document then says what was done without
 * the steps knowing there is one.
 */
public final class ReportingHooks implements ReleaseHooks {

    private final ReleaseHooks delegate;
    private final RunReport report;
    /** The image ids by region each variant is being released with (asked before the pointers move). */
    private final java.util.Map<String, java.util.Map<String, String>> releasing =
            new java.util.concurrent.ConcurrentHashMap<>();

    public ReportingHooks(ReleaseHooks delegate, RunReport report) {
        this.delegate = delegate;
        this.report = report;
    }

    /** {@code next}, with each finished or failed build reported first. */
    public static LocalBuildStep.Listener listener(RunReport report, LocalImages localImages,
                                                   LocalBuildStep.Listener next) {
        return new LocalBuildStep.Listener() {
            @Override
            public void built(VariantPlan variant) {
                report.built(variant, localImages.inspect(variant.cloud(), variant.buildName()).record());
                next.built(variant);
            }

            @Override
            public void failed(VariantPlan variant, LocalBuildStep.Failed failure) {
                report.failed(variant.key(), Optional.of(Action.BUILD), failure.reason());
                next.failed(variant, failure);
            }
        };
    }

    @Override
    public LocalImages.Record localImage(VariantPlan variant, LocalImages localImages) {
        return delegate.localImage(variant, localImages);
    }

    @Override
    public void upload(VariantPlan variant, LocalImages localImages) {
        delegate.upload(variant, localImages);
        report.uploaded(variant);
    }

    @Override
    public void imported(VariantPlan variant, RemoteImage image) {
        report.imported(variant, image);
        delegate.imported(variant, image);
    }

    @Override
    public void sign(VariantPlan variant, LocalImages localImages) {
        delegate.sign(variant, localImages);
        report.signed(variant);
    }

    @Override
    public void published(VariantPlan variant, PublishResult result) {
        report.published(variant, result);
        delegate.published(variant, result);
    }

    @Override
    public java.util.Map<String, String> releasing(VariantPlan variant) {
        java.util.Map<String, String> images = delegate.releasing(variant);
        releasing.put(variant.key(), images);
        return images;
    }

    @Override
    public void release(VariantPlan variant) {
        delegate.release(variant);
        report.released(variant, releasing.getOrDefault(variant.key(), java.util.Map.of()));
    }
}
