package dev.cloudimages.ci;

import dev.cloudimages.config.ResolvedVariant;
import dev.cloudimages.plan.Action;
import dev.cloudimages.plan.LocalImages;
import dev.cloudimages.plan.Plan;
import dev.cloudimages.plan.Step;
import dev.cloudimages.plan.VariantPlan;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The jobs of a release of 600 variants (two architectures, two clouds; some imported already,
 * some done) as each engine gets them: only the work left, split within the engines' limits.
 */
class CiPlanTest {

    private static final BuildInvocation BUILD = new BuildInvocation(List.of("./build"),
            List.of("--custom", "overlay"), List.of("--only", "3.24"));
    private static final List<Action> ALL = List.of(Action.BUILD, Action.UPLOAD, Action.IMPORT, Action.SIGN,
            Action.PUBLISH);

    /** Every 10th variant is imported (publish left), every 15th done (nothing but publish's check). */
    private static Plan release(int count) {
        List<VariantPlan> variants = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String arch = i % 3 == 0 ? "aarch64" : "x86_64";
            String cloud = i % 4 == 0 ? "gcp" : "aws";
            String key = String.format("3.24-%s-v%03d-%s", arch, i, cloud);
            Map<String, String> dimensions = new LinkedHashMap<>();
            dimensions.put("version", "3.24");
            dimensions.put("arch", arch);
            dimensions.put("n", "v" + i);
            dimensions.put("cloud", cloud);
            List<Action> actions = i % 15 == 0 ? List.of() : i % 10 == 0 ? List.of(Action.SIGN, Action.PUBLISH) : ALL;
            variants.add(new VariantPlan(new ResolvedVariant(key, dimensions, Map.of("arch", arch, "cloud", cloud)),
                    "b" + i, "b" + i + "-r0", 0, "2028-05-01", actions, LocalImages.Status.ABSENT, Optional.empty(),
                    "sha256:x", List.of(), false, Optional.empty()));
        }
        return new Plan(Step.STATE, false, variants);
    }

    @Test
    void gitlabHasAJobPerVariantWithWorkAndPublishGroupsWithinTheNeedsLimit() {
        Plan plan = release(600);
        Map<String, Object> pipeline = GitlabPipeline.render(CiPlan.of(plan, BUILD), List.of("{arch}", "kvm"), Map.of());
        Set<String> withImport = new HashSet<>();
        Set<String> toPublish = new HashSet<>();
        for (VariantPlan variant : plan.variants()) {
            if (variant.has(Action.IMPORT)) {
                withImport.add(variant.key());
            }
            if (variant.has(Action.PUBLISH)) {
                toPublish.add(variant.key());
            }
        }
        Set<String> published = new HashSet<>();
        int variantJobs = 0;
        for (Map.Entry<String, Object> entry : pipeline.entrySet()) {
            if (!(entry.getValue() instanceof Map<?, ?> job) || entry.getKey().equals("default")) {
                continue;
            }
            List<?> script = (List<?>) job.get("script");
            if (entry.getKey().startsWith("variant ")) {
                variantJobs++;
                String key = entry.getKey().substring("variant ".length());
                assertTrue(withImport.contains(key), key);
                assertEquals(List.of("./build import --variant " + key + " --custom overlay"), script);
                String arch = key.split("-")[1];
                assertEquals(List.of(arch, "kvm"), job.get("tags"));
                assertEquals(List.of(), job.get("needs"), "starts at once");
                assertEquals(arch, ((Map<?, ?>) job.get("variables")).get("BUILD_ARCH"));
            } else if (entry.getKey().startsWith("publish ")) {
                List<?> needs = (List<?>) job.get("needs");
                assertTrue(needs.size() <= CiPlan.PUBLISH_GROUP, entry.getKey() + " needs " + needs.size());
                String command = (String) script.get(0);
                List<String> keys = List.of(command.substring(command.indexOf("--variant ") + 10,
                        command.indexOf(" --custom")).split(" "));
                assertTrue(keys.size() <= CiPlan.PUBLISH_GROUP);
                assertTrue(keys.stream().allMatch(k -> k.endsWith(((Map<?, ?>) job.get("variables"))
                        .get("BUILD_CLOUD").toString())), "one cloud per publish job");
                assertEquals(keys.stream().filter(withImport::contains).map(k -> "variant " + k).toList(), needs,
                        "a publish job needs exactly the jobs of its own variants");
                published.addAll(keys);
            }
        }
        assertEquals(withImport.size(), variantJobs);
        assertEquals(toPublish, published);
        Map<?, ?> state = (Map<?, ?>) pipeline.get("state");
        assertEquals(List.of("./build state --only 3.24 --custom overlay --output json > build-state.json"),
                state.get("script"));
        assertEquals(List.of("variants", "publish", "after"), pipeline.get("stages"));
    }

    @Test
    void nothingLeftIsAPipelineWithOnlyState() {
        Plan done = new Plan(Step.STATE, false, release(1).variants());
        Map<String, Object> pipeline = GitlabPipeline.render(CiPlan.of(done, BUILD), List.of(), Map.of("image", "x"));
        assertEquals(List.of("stages", "default", "state"), List.copyOf(pipeline.keySet()));
        assertEquals(List.of(), ((Map<?, ?>) pipeline.get("state")).get("needs"));
    }

    @Test
    void githubMatricesHoldAtMost256Entries() {
        Plan plan = release(600);
        Map<String, Object> document = GithubMatrix.render(CiPlan.of(plan, BUILD), List.of());
        List<?> matrices = (List<?>) document.get("variants");
        List<Integer> sizes = matrices.stream().map(m -> ((List<?>) ((Map<?, ?>) m).get("include")).size()).toList();
        long withImport = plan.variants().stream().filter(v -> v.has(Action.IMPORT)).count();
        assertEquals(withImport, sizes.stream().mapToInt(Integer::intValue).sum());
        assertTrue(sizes.stream().allMatch(s -> s <= GithubMatrix.MAX_MATRIX), sizes.toString());
        assertEquals(List.of(256, 256), sizes.subList(0, 2));
        Map<?, ?> first = (Map<?, ?>) ((List<?>) ((Map<?, ?>) matrices.get(0)).get("include")).get(0);
        assertEquals(List.of("ubuntu-24.04"), first.get("runs_on"));
        assertEquals(true, first.get("kvm"));
        assertTrue(first.get("command").toString().startsWith("./build import --variant 3.24-x86_64-v001-aws"),
                first.toString());
        Map<?, ?> publish = (Map<?, ?>) document.get("publish");
        assertFalse(((List<?>) publish.get("include")).isEmpty());
        assertEquals("build/v1", document.get("schema"));
    }

    @Test
    void kubernetesHasAnIndexedJobPerArchitectureWhosePodsTakeAShardEach() {
        Plan plan = release(30);
        List<Map<String, Object>> documents = KubernetesJobs.render(CiPlan.of(plan, BUILD),
                new KubernetesJobs.Settings("img:1", 4));
        List<String> names = documents.stream().map(d -> ((Map<?, ?>) d.get("metadata")).get("name").toString())
                .toList();
        assertEquals("build-import-x86-64-kvm", names.get(0));
        assertEquals("build-import-aarch64-kvm", names.get(1));
        assertEquals("build-state", names.get(names.size() - 1));
        Map<?, ?> spec = (Map<?, ?>) documents.get(0).get("spec");
        assertEquals("Indexed", spec.get("completionMode"));
        assertEquals(4, spec.get("completions"));
        Map<?, ?> pod = (Map<?, ?>) ((Map<?, ?>) spec.get("template")).get("spec");
        assertEquals(Map.of("kubernetes.io/arch", "amd64"), pod.get("nodeSelector"));
        Map<?, ?> container = (Map<?, ?>) ((List<?>) pod.get("containers")).get(0);
        String command = ((List<?>) container.get("command")).get(2).toString();
        assertTrue(command.startsWith("exec ./build import --variant 3.24-x86_64-v001-aws 3.24-x86_64-v002-aws"),
                command);
        assertTrue(command.endsWith("--custom overlay --shard \"$JOB_COMPLETION_INDEX/4\""), command);
        assertEquals(Map.of("limits", Map.of(KubernetesJobs.KVM_RESOURCE, "1")), container.get("resources"));
    }

    @Test
    void wordsAreQuotedOnlyWhenAShellWouldSplitThem() {
        assertEquals("./build import --variant a-b 'x y' 'it'\\''s'",
                ShellWords.join(List.of("./build", "import", "--variant", "a-b", "x y", "it's")));
    }
}
