package dev.cloudimages.cloud.aws;

import dev.cloudimages.cloud.CloudSettings;
import dev.cloudimages.support.BuildException;
import software.amazon.awssdk.services.ec2.model.Region;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where and to whom an image is published, worked out and checked before anything changes:
 * regions ({@code regions.ALL} = every region enabled for the account, else the listed ones; a
 * name that is not a region is an error; one not opted in is skipped and reported) and launch
 * permissions ({@code access.PUBLIC}, else the listed account ids).
 */
record PublishTargets(List<String> regions, List<String> skipped, boolean isPublic, List<String> accounts) {

    static final String NOT_OPTED_IN = "not-opted-in";

    static PublishTargets of(CloudSettings settings, List<Region> accountRegions) {
        Map<String, String> optIn = new TreeMap<>();
        accountRegions.forEach(r -> optIn.put(r.regionName(), r.optInStatus() == null ? "" : r.optInStatus()));
        Map<String, Boolean> wanted = settings.flags("regions");
        boolean all = wanted.getOrDefault("ALL", false);
        List<String> regions = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Map.Entry<String, Boolean> entry : wanted.entrySet()) {
            if (!entry.getKey().equals("ALL") && !optIn.containsKey(entry.getKey())) {
                throw settings.bad("regions." + entry.getKey(), entry.getValue().toString(),
                        "names of AWS regions; '" + entry.getKey() + "' is not one (known: "
                                + String.join(", ", optIn.keySet()) + ")");
            }
        }
        for (Map.Entry<String, String> region : optIn.entrySet()) {
            Boolean listed = wanted.get(region.getKey());
            boolean selected = listed != null ? listed : all;
            if (!selected) {
                continue;
            }
            if (region.getValue().equals(NOT_OPTED_IN)) {
                if (listed != null) {
                    skipped.add(region.getKey());
                }
                continue;
            }
            regions.add(region.getKey());
        }
        if (regions.isEmpty() && skipped.isEmpty()) {
            throw new BuildException("variant " + settings.variantKey() + ": no region to publish to; set regions.ALL = true"
                    + " or list regions (regions.us-east-1 = true) in the aws cloud config (configs/cloud/aws.conf)");
        }
        Map<String, Boolean> access = settings.flags("access");
        boolean isPublic = access.getOrDefault("PUBLIC", false);
        List<String> accounts = new ArrayList<>();
        access.forEach((who, allowed) -> {
            if (!who.equals("PUBLIC") && allowed) {
                if (!who.matches("\\d{12}")) {
                    throw settings.bad("access." + who, "true", "PUBLIC or 12-digit AWS account ids");
                }
                accounts.add(who);
            }
        });
        return new PublishTargets(List.copyOf(regions), List.copyOf(skipped), isPublic, List.copyOf(accounts));
    }
}
