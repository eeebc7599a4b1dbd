package dev.cloudimages.ci;

import static dev.cloudimages.report.Documents.map;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Kubernetes Jobs: per architecture (and step), an Indexed Job whose pods each run one shard of
 * those variants ({@code --shard $JOB_COMPLETION_INDEX/N}), on nodes of that architecture, asking
 * for /dev/kvm through the KubeVirt device plugin's resource when they build; then one Job per
 * publish group and one for the document after publishing. Kubernetes has no order between Jobs:
 * each carries the label {@value #STAGE} ({@code variants}, {@code publish}, {@code after}), and
 * examples/ci/k8s applies them stage by stage.
 */
public final class KubernetesJobs {

    public static final String STAGE = "build.cloudimages.dev/stage";
    /** The resource the KubeVirt device plugin offers /dev/kvm as (no privileged pod needed). */
    public static final String KVM_RESOURCE = "devices.kubevirt.io/kvm";

    /** {@code image}: the container image (the repository, a JDK and QEMU); {@code shards}: pods per Job at most. */
    public record Settings(String image, int shards) {
    }

    private KubernetesJobs() {
    }

    public static List<Map<String, Object>> render(CiPlan plan, Settings settings) {
        Map<String, List<CiPlan.VariantJob>> groups = new LinkedHashMap<>();
        for (CiPlan.VariantJob job : plan.variants()) {
            groups.computeIfAbsent(job.step() + " " + job.arch() + (job.kvm() ? " kvm" : ""), g -> new ArrayList<>())
                    .add(job);
        }
        List<Map<String, Object>> documents = new ArrayList<>();
        groups.forEach((group, jobs) -> {
            CiPlan.VariantJob first = jobs.get(0);
            int pods = Math.max(1, Math.min(jobs.size(), settings.shards()));
            List<String> keys = jobs.stream().map(CiPlan.VariantJob::key).toList();
            String command = ShellWords.join(plan.build().step(first.step(), keys))
                    + " --shard \"$JOB_COMPLETION_INDEX/" + pods + "\"";
            Map<String, Object> pod = pod(settings, command, first.kvm());
            pod.put("nodeSelector", map("kubernetes.io/arch", first.arch().equals("aarch64") ? "arm64" : "amd64"));
            Map<String, Object> spec = new LinkedHashMap<>();
            spec.put("completionMode", "Indexed");
            spec.put("completions", pods);
            spec.put("parallelism", pods);
            spec.put("backoffLimitPerIndex", 1);
            spec.put("template", map("metadata", map("labels", labels("variants")), "spec", pod));
            documents.add(job(name("build-" + group), "variants", spec));
        });
        for (CiPlan.PublishJob publish : plan.publishes()) {
            documents.add(job(name("build-" + publish.step() + "-" + publish.cloud() + "-" + publish.part()), "publish",
                    single(settings, ShellWords.join(publish.command()), "publish")));
        }
        documents.add(job("build-state", "after", single(settings, ShellWords.join(plan.after().command()), "after")));
        return documents;
    }

    private static Map<String, Object> single(Settings settings, String command, String stage) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("backoffLimit", 1);
        spec.put("template", map("metadata", map("labels", labels(stage)), "spec", pod(settings, command, false)));
        return spec;
    }

    private static Map<String, Object> pod(Settings settings, String command, boolean kvm) {
        Map<String, Object> container = new LinkedHashMap<>();
        container.put("name", "build");
        container.put("image", settings.image());
        container.put("command", List.of("/bin/sh", "-c", "exec " + command));
        // cloud credentials and storage_url settings; with workload identity (OIDC) it may stay empty
        container.put("envFrom", List.of(map("secretRef", map("name", "build-env", "optional", true))));
        if (kvm) {
            container.put("resources", map("limits", map(KVM_RESOURCE, "1")));
        }
        Map<String, Object> pod = new LinkedHashMap<>();
        pod.put("restartPolicy", "Never");
        pod.put("serviceAccountName", "build");
        pod.put("containers", List.of(container));
        return pod;
    }

    private static Map<String, Object> job(String name, String stage, Map<String, Object> spec) {
        Map<String, Object> job = new LinkedHashMap<>();
        job.put("apiVersion", "batch/v1");
        job.put("kind", "Job");
        job.put("metadata", map("name", name, "labels", labels(stage)));
        job.put("spec", spec);
        return job;
    }

    private static Map<String, Object> labels(String stage) {
        return map("app.kubernetes.io/name", "build", STAGE, stage);
    }

    /** A DNS-1123 label: lower case letters, digits and '-', at most 63 characters. */
    static String name(String text) {
        String name = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("-+", "-");
        name = name.length() > 63 ? name.substring(0, 63) : name;
        return name.replaceAll("^-+|-+$", "");
    }
}
