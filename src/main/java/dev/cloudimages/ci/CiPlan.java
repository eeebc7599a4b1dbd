package dev.cloudimages.ci;

import dev.cloudimages.plan.Action;
import dev.cloudimages.plan.Plan;
import dev.cloudimages.plan.VariantPlan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The jobs a release needs, engine-neutral: one per variant that has work before publishing
 * (build, upload, import, on a machine of its architecture), then publish jobs over groups of the
 * variants that have sign or publish work, then one job for what follows publishing (the release's
 * document). The renderers only lay this out in each engine's terms; every command is a plain
 * {@code build} command with {@code --variant}, so a job can be re-run by hand exactly.
 */
public record CiPlan(List<VariantJob> variants, List<PublishJob> publishes, AfterJob after, BuildInvocation build) {

    /**
     * Variants per publish job: GitLab lets a job need at most 50 others ({@code ci_needs_size_limit}),
     * and a publish job needs the job of each variant it publishes.
     */
    public static final int PUBLISH_GROUP = 50;
    /** Where the job after publishing writes the release's document. */
    public static final String DOCUMENT = "build-state.json";

    /** One variant's work before publishing; {@code kvm}: it builds, so it wants /dev/kvm. */
    public record VariantJob(String key, String cloud, String arch, String step, boolean kvm, List<String> command) {
        public VariantJob {
            command = List.copyOf(command);
        }
    }

    /** Sign and publish for up to {@link #PUBLISH_GROUP} variants of one cloud; {@code needs}: their variant jobs. */
    public record PublishJob(String cloud, int part, String step, List<String> keys, List<String> needs,
                             List<String> command) {
        public PublishJob {
            keys = List.copyOf(keys);
            needs = List.copyOf(needs);
            command = List.copyOf(command);
        }
    }

    /** The release's document after publishing ({@code state --output json}), written to {@link #DOCUMENT}. */
    public record AfterJob(List<String> command) {
        public AfterJob {
            command = List.copyOf(command);
        }
    }

    public CiPlan {
        variants = List.copyOf(variants);
        publishes = List.copyOf(publishes);
    }

    public static CiPlan of(Plan plan, BuildInvocation build) {
        List<VariantJob> variantJobs = new ArrayList<>();
        Map<String, List<VariantPlan>> publishing = new LinkedHashMap<>();
        for (VariantPlan variant : plan.variants()) {
            preparing(variant).ifPresent(step -> variantJobs.add(new VariantJob(variant.key(), variant.cloud(),
                    arch(variant), step, variant.has(Action.BUILD), build.step(step, List.of(variant.key())))));
            if (publishing(variant).isPresent()) {
                publishing.computeIfAbsent(variant.cloud(), c -> new ArrayList<>()).add(variant);
            }
        }
        List<String> withJobs = variantJobs.stream().map(VariantJob::key).toList();
        List<PublishJob> publishJobs = new ArrayList<>();
        publishing.forEach((cloud, variants) -> {
            for (int from = 0, part = 1; from < variants.size(); from += PUBLISH_GROUP, part++) {
                List<VariantPlan> group = variants.subList(from, Math.min(variants.size(), from + PUBLISH_GROUP));
                List<String> keys = group.stream().map(VariantPlan::key).toList();
                // sign alone when publishing is disabled; publish signs first when it is planned
                String step = group.stream().anyMatch(v -> v.has(Action.PUBLISH)) ? "publish" : "sign";
                publishJobs.add(new PublishJob(cloud, part, step, keys,
                        keys.stream().filter(withJobs::contains).toList(), build.step(step, keys)));
            }
        });
        return new CiPlan(variantJobs, publishJobs, new AfterJob(build.whole("state", List.of("--output", "json"))),
                build);
    }

    /** The step that does a variant's work before publishing: the last of build, upload, import it needs. */
    static Optional<String> preparing(VariantPlan variant) {
        if (variant.has(Action.IMPORT)) {
            return Optional.of("import");
        }
        if (variant.has(Action.UPLOAD)) {
            return Optional.of("upload");
        }
        return variant.has(Action.BUILD) ? Optional.of("local") : Optional.empty();
    }

    static Optional<String> publishing(VariantPlan variant) {
        return variant.has(Action.PUBLISH) ? Optional.of("publish")
                : variant.has(Action.SIGN) ? Optional.of("sign") : Optional.empty();
    }

    static String arch(VariantPlan variant) {
        Object arch = variant.variant().config().get("arch");
        return arch == null ? variant.variant().dimensions().getOrDefault("arch", "any") : arch.toString();
    }
}
