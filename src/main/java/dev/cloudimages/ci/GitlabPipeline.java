package dev.cloudimages.ci;

import static dev.cloudimages.report.Documents.map;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A GitLab child pipeline (run with {@code trigger: include: artifact}): one job per variant in
 * stage {@code variants}, each starting at once ({@code needs: []}); publish jobs that need only
 * the variant jobs of their group (at most {@link CiPlan#PUBLISH_GROUP}, GitLab's needs limit);
 * and {@code state}, after all publish jobs, keeping the release's document as an artifact.
 * Explicit jobs rather than {@code parallel: matrix}: each job's script is its exact command,
 * and the matrix's 200-job cap does not apply (the pipeline's own size limit does: split the
 * selection with {@code --shard} over several child pipelines beyond it).
 */
public final class GitlabPipeline {

    private GitlabPipeline() {
    }

    /** {@code defaults}: the pipeline's {@code default:} (image, id_tokens, before_script, ...), or empty. */
    public static Map<String, Object> render(CiPlan plan, List<String> tags, Map<String, Object> defaults) {
        Map<String, Object> pipeline = new LinkedHashMap<>();
        pipeline.put("stages", List.of("variants", "publish", "after"));
        if (!defaults.isEmpty()) {
            pipeline.put("default", defaults);
        }
        for (CiPlan.VariantJob job : plan.variants()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("stage", "variants");
            entry.put("needs", List.of());
            List<String> jobTags = tags.stream().map(t -> t.replace("{arch}", job.arch())).toList();
            if (!jobTags.isEmpty()) {
                entry.put("tags", jobTags);
            }
            entry.put("variables", hints(job));
            entry.put("script", List.of(ShellWords.join(job.command())));
            pipeline.put(variantJobName(job.key()), entry);
        }
        List<String> publishNames = new ArrayList<>();
        for (CiPlan.PublishJob job : plan.publishes()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("stage", "publish");
            entry.put("needs", job.needs().stream().map(GitlabPipeline::variantJobName).toList());
            entry.put("variables", map("BUILD_CLOUD", job.cloud()));
            entry.put("script", List.of(ShellWords.join(job.command())));
            String name = job.step() + " " + job.cloud() + " " + job.part();
            publishNames.add(name);
            pipeline.put(name, entry);
        }
        Map<String, Object> after = new LinkedHashMap<>();
        after.put("stage", "after");
        // after the publish jobs, or the variant jobs when nothing is published (--disable publish)
        List<String> before = !publishNames.isEmpty() ? publishNames
                : plan.variants().stream().map(j -> variantJobName(j.key())).toList();
        if (before.size() <= CiPlan.PUBLISH_GROUP) {
            after.put("needs", before);
        } // else: no needs at all, the stage order waits for every earlier job
        after.put("script", List.of(ShellWords.join(plan.after().command()) + " > " + CiPlan.DOCUMENT));
        after.put("artifacts", map("paths", List.of(CiPlan.DOCUMENT), "when", "always"));
        pipeline.put("state", after);
        return pipeline;
    }

    static String variantJobName(String key) {
        return "variant " + key;
    }

    /** What a runner should offer: the architecture, and /dev/kvm when the job builds. */
    static Map<String, Object> hints(CiPlan.VariantJob job) {
        Map<String, Object> hints = new LinkedHashMap<>();
        hints.put("BUILD_VARIANT", job.key());
        hints.put("BUILD_ARCH", job.arch());
        hints.put("BUILD_KVM", job.kvm() ? "wanted" : "not needed");
        return hints;
    }
}
