package dev.cloudimages.cloud;

import dev.cloudimages.plan.Action;
import dev.cloudimages.plan.Plan;
import dev.cloudimages.plan.VariantPlan;
import dev.cloudimages.support.BuildException;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What import and publish share before they touch a cloud. */
public final class CloudSteps {

    private CloudSteps() {
    }

    /**
     * Every variant planned for {@code action} needs a usable adapter for its cloud; fail before
     * doing anything, naming each cloud and why, rather than part-way through.
     */
    public static void requireAdapters(Plan plan, CloudAdapters clouds, Action action) {
        Map<String, String> missing = new TreeMap<>();
        List<VariantPlan> planned = plan.with(action);
        for (VariantPlan variant : planned) {
            CloudAdapters.Availability availability = clouds.forCloud(variant.cloud());
            if (availability.adapter().isEmpty()) {
                missing.put(variant.cloud(), availability.reason());
            }
        }
        if (!missing.isEmpty()) {
            StringBuilder reasons = new StringBuilder();
            missing.forEach((cloud, reason) -> reasons.append(reasons.isEmpty() ? "" : "; ").append(cloud)
                    .append(": ").append(reason));
            throw new BuildException("cannot " + action.label() + " " + planned.size() + " variant(s): " + reasons
                    + "; use --skip " + String.join(" ", missing.keySet())
                    + " to leave them out, or './build local' to build images only");
        }
    }
}
