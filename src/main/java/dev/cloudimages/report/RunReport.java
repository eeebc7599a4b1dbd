package dev.cloudimages.report;

import static dev.cloudimages.report.Documents.map;

import dev.cloudimages.cloud.PublishResult;
import dev.cloudimages.cloud.RemoteImage;
import dev.cloudimages.config.ResolvedVariant;
import dev.cloudimages.plan.Action;
import dev.cloudimages.plan.LocalImages;
import dev.cloudimages.plan.Plan;
import dev.cloudimages.plan.VariantPlan;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one run did, as it happens: the plan it made and, per variant, each action done (with the
 * ids it produced) or the reason it failed. Told from the build and ship threads at once, read
 * once at the end by {@link RunDocument}; nothing here decides anything.
 */
public final class RunReport {

    /** One action done for a variant, with what it produced (ids, regions, objects). */
    public record Done(Action action, Map<String, Object> details) {
        public Done {
            details = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
        }
    }

    /** Why a variant failed, and in which action when known. */
    public record Failure(Optional<Action> action, String reason) {
    }

    private final String step;
    private volatile Plan plan;
    private volatile List<ResolvedVariant> configured = List.of();
    private final Map<String, Map<Action, Done>> done = new ConcurrentHashMap<>();
    private final Map<String, Failure> failed = new ConcurrentHashMap<>();

    public RunReport(String step) {
        this.step = step;
    }

    public String step() {
        return step;
    }

    /** The selected variants as configs resolved them (all a run without a plan knows). */
    public void configured(List<ResolvedVariant> variants) {
        configured = List.copyOf(variants);
    }

    /** The plan the run acts on (a re-plan replaces the first). */
    public void planned(Plan plan) {
        this.plan = plan;
    }

    public Optional<Plan> plan() {
        return Optional.ofNullable(plan);
    }

    List<ResolvedVariant> configured() {
        return configured;
    }

    public void built(VariantPlan variant, Optional<LocalImages.Record> record) {
        Map<String, Object> details = new LinkedHashMap<>();
        record.ifPresent(r -> {
            details.put("file", "work/images/" + variant.cloud() + "/" + variant.buildName() + "/" + r.file());
            details.put("size", r.size());
            details.put("sha256", r.sha256());
        });
        add(variant, Action.BUILD, details);
    }

    public void uploaded(VariantPlan variant) {
        add(variant, Action.UPLOAD, map("store", variant.store().orElse("")));
    }

    public void imported(VariantPlan variant, RemoteImage image) {
        add(variant, Action.IMPORT, map("region", image.region(), "image_id", image.id()));
    }

    public void signed(VariantPlan variant) {
        add(variant, Action.SIGN, map());
    }

    public void published(VariantPlan variant, PublishResult result) {
        Map<String, Object> regions = new LinkedHashMap<>();
        for (PublishResult.RegionOutcome outcome : result.regions()) {
            Map<String, Object> region = new LinkedHashMap<>();
            region.put("image_id", outcome.imageId());
            region.put("outcome", outcome.outcome());
            region.put("failed", outcome.failed());
            regions.put(outcome.region(), region);
        }
        add(variant, Action.PUBLISH, map("regions", regions));
    }

    public void released(VariantPlan variant, Map<String, String> images) {
        add(variant, Action.RELEASE, map("regions", new java.util.TreeMap<>(images)));
    }

    public void failed(String key, Optional<Action> action, String reason) {
        failed.putIfAbsent(key, new Failure(action, reason));
    }

    Map<Action, Done> done(String key) {
        return done.getOrDefault(key, Map.of());
    }

    Optional<Failure> failure(String key) {
        return Optional.ofNullable(failed.get(key));
    }

    private void add(VariantPlan variant, Action action, Map<String, Object> details) {
        done.computeIfAbsent(variant.key(), k -> new ConcurrentHashMap<>()).put(action, new Done(action, details));
    }
}
