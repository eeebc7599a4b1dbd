package dev.cloudimages.ci;

import static dev.cloudimages.report.Documents.map;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GitHub Actions matrices: the variant jobs as {@code strategy.matrix} values of at most
 * {@value #MAX_MATRIX} entries each (GitHub's cap per matrix), a publish matrix, and the command
 * after publishing. The workflow (examples/ci/github) has one matrix job per part, each needing
 * the plan, the publish job needing them all.
 */
public final class GithubMatrix {

    public static final int MAX_MATRIX = 256;

    private GithubMatrix() {
    }

    /** {@code runsOn}: labels with {@code {arch}}; empty means GitHub's own runners for the arch. */
    public static Map<String, Object> render(CiPlan plan, List<String> runsOn) {
        List<Map<String, Object>> entries = new ArrayList<>();
        for (CiPlan.VariantJob job : plan.variants()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", job.step() + " " + job.key());
            entry.put("variant", job.key());
            entry.put("arch", job.arch());
            entry.put("kvm", job.kvm());
            entry.put("runs_on", runsOn.isEmpty() ? List.of(hostedRunner(job.arch()))
                    : runsOn.stream().map(t -> t.replace("{arch}", job.arch())).toList());
            entry.put("command", ShellWords.join(job.command()));
            entries.add(entry);
        }
        List<Map<String, Object>> matrices = new ArrayList<>();
        for (int from = 0; from < entries.size(); from += MAX_MATRIX) {
            matrices.add(map("include", entries.subList(from, Math.min(entries.size(), from + MAX_MATRIX))));
        }
        List<Map<String, Object>> publishes = new ArrayList<>();
        for (CiPlan.PublishJob job : plan.publishes()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", job.step() + " " + job.cloud() + " " + job.part());
            entry.put("cloud", job.cloud());
            entry.put("variants", job.keys());
            entry.put("command", ShellWords.join(job.command()));
            publishes.add(entry);
        }
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("schema", "build/v1");
        document.put("format", "github");
        document.put("variants", matrices);
        document.put("publish", publishes.isEmpty() ? null : map("include", publishes));
        document.put("after", map("command", ShellWords.join(plan.after().command()), "document",
                CiPlan.DOCUMENT));
        return document;
    }

    /** GitHub's standard Linux runners (both expose /dev/kvm). */
    static String hostedRunner(String arch) {
        return arch.equals("aarch64") ? "ubuntu-24.04-arm" : "ubuntu-24.04";
    }
}
