package dev.cloudimages.cloud;

import dev.cloudimages.plan.Plan;
import dev.cloudimages.plan.VariantPlan;

import java.util.Map;

/**
 * How many variants of one cloud are uploaded, imported and published at once. Each variant's
 * own work is already concurrent (blocks, parts, region copies), so these bound the load on the
 * cloud's per-account limits: each AWS variant has one copy in flight per destination region, so 12
 * variants mean 12 concurrent AMI copies per region, under EC2's service quota on concurrent copies
 * per destination Region (tens; see the account's Service Quotas), and every EC2/EBS call waits at
 * the region's {@link Throttle} gate. OCI bounds its
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
        return new ShipConcurrency(Map.of("aws", 12, "oci", 12, "gcp", 12), 0);
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
