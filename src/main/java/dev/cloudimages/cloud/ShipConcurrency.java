package dev.cloudimages.cloud;

import dev.cloudimages.plan.Plan;
import dev.cloudimages.plan.VariantPlan;

import java.util.Map;

/**
 * How many variants of one cloud are uploaded, imported and published at once. Each variant's
 * own work is already concurrent (blocks, parts, region copies), so these bound the load on the
 * cloud's per-account limits: AWS copies at most a few images per destination region at once per
 * variant, so 8 variants stay well under EC2's concurrent-copy quota per region; OCI and GCP run
 * image imports as work requests/operations with lower per-tenancy/project limits, so 4.
 * A variant's {@code concurrency} setting (the smallest of the cloud's selected variants wins)
 * or {@code --cloud-parallel N} overrides them.
 */
public record ShipConcurrency(Map<String, Integer> perCloud, int override) {

    public static ShipConcurrency defaults() {
        return new ShipConcurrency(Map.of("aws", 8, "oci", 4, "gcp", 4), 0);
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
