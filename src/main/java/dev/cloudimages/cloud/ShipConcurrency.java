package dev.cloudimages.cloud;

import dev.cloudimages.plan.Plan;
import dev.cloudimages.plan.VariantPlan;

import java.util.Map;

/**
 * How many variants of one cloud are uploaded, imported and published at once. Each variant's
 * own work is already concurrent (blocks, parts, region copies), so these bound the load on the
 * cloud's per-account limits: AWS copies at most a few images per destination region at once per
 * variant, so 8 variants stay well under EC2's concurrent-copy quota per region. OCI bounds its
 * concurrent image work per region itself (work_requests, OCI's documented 10 concurrent image
 * imports, shared by all variants: {@link RegionSlots}) and GCP documents rate quotas, not
 * concurrency limits (every call waits at the project's {@link Throttle} gate), so both ship 12
 * at once: a release's variants of one version and cloud in one wave. What stays per variant is
 * an upload's bandwidth and a few polling threads.
 * A variant's {@code concurrency} setting (the smallest of the cloud's selected variants wins)
 * or {@code --cloud-parallel N} overrides them.
 */
public record ShipConcurrency(Map<String, Integer> perCloud, int override) {

    public static ShipConcurrency defaults() {
        return new ShipConcurrency(Map.of("aws", 8, "oci", 12, "gcp", 12), 0);
    }

    public ShipConcurrency withOverride(int n) {
        return new ShipConcurrency(perCloud, n);
    }

    public int of(String cloud, Plan plan) {
        if (override > 0) {
            return override;
        }
        int configured = Integer.MAX_VALUE;
        for (VariantPlan variant : plan.variants()) {
            Object value = variant.variant().config().get("concurrency");
            if (variant.cloud().equals(cloud) && value != null) {
                configured = Math.min(configured, CloudSettings.of(variant.variant()).integer("concurrency", 1, 1, 64));
            }
        }
        return configured != Integer.MAX_VALUE ? configured : perCloud.getOrDefault(cloud, 4);
    }
}
