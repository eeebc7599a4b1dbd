package dev.cloudimages.plan;

import dev.cloudimages.support.BuildException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * One of {@code total} parts of the selected variants ({@code --shard I/N}, I from 0), for CI
 * engines that start N copies of one job and give each only its index. The part is worked out
 * from the variant keys alone, never from what the plan finds: shards started at once, each
 * planning at its own moment, must agree on who does what however far the others have got.
 * Round-robin over the sorted keys keeps parts within one variant of each other in size.
 */
public record Shard(int index, int total) {

    public Shard {
        if (total < 1 || index < 0 || index >= total) {
            throw new IllegalArgumentException("shard " + index + "/" + total);
        }
    }

    /**
     * {@code I/N}, or {@code auto}: GitLab's {@code parallel: N} (CI_NODE_INDEX counts from 1,
     * CI_NODE_TOTAL) or a Kubernetes Indexed Job's JOB_COMPLETION_INDEX with BUILD_SHARDS.
     */
    public static Shard parse(String text, Map<String, String> env) {
        String value = text.trim();
        if (value.equals("auto")) {
            return fromEnvironment(env);
        }
        String[] parts = value.split("/", -1);
        if (parts.length != 2) {
            throw new BuildException("--shard takes I/N (I counts from 0, e.g. 0/4) or auto, got '" + text + "'");
        }
        int index = number(parts[0], "--shard " + text);
        int total = number(parts[1], "--shard " + text);
        if (total < 1 || index >= total) {
            throw new BuildException("--shard " + text + ": I must be 0 to N-1 and N at least 1");
        }
        return new Shard(index, total);
    }

    private static Shard fromEnvironment(Map<String, String> env) {
        String gitlabIndex = env.get("CI_NODE_INDEX");
        String gitlabTotal = env.get("CI_NODE_TOTAL");
        if (present(gitlabIndex) && present(gitlabTotal)) {
            int index = number(gitlabIndex, "CI_NODE_INDEX") - 1; // GitLab counts from 1
            int total = number(gitlabTotal, "CI_NODE_TOTAL");
            if (index < 0 || index >= total) {
                throw new BuildException("--shard auto: CI_NODE_INDEX=" + gitlabIndex + " is not 1 to CI_NODE_TOTAL="
                        + gitlabTotal);
            }
            return new Shard(index, total);
        }
        String k8sIndex = env.get("JOB_COMPLETION_INDEX");
        String k8sTotal = env.get("BUILD_SHARDS");
        if (present(k8sIndex) && present(k8sTotal)) {
            return parse(k8sIndex.trim() + "/" + k8sTotal.trim(), Map.of());
        }
        throw new BuildException("--shard auto needs CI_NODE_INDEX and CI_NODE_TOTAL (GitLab 'parallel: N') or "
                + "JOB_COMPLETION_INDEX and BUILD_SHARDS (a Kubernetes Indexed Job); none are set, so give "
                + "--shard I/N");
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    private static int number(String text, String what) {
        try {
            int value = Integer.parseInt(text.trim());
            if (value < 0) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new BuildException(what + ": '" + text + "' is not a whole number of 0 or more");
        }
    }

    /** The items of this shard, in their given order: the i-th of the sorted keys goes to shard i mod N. */
    public <T> List<T> of(List<T> items, Function<T, String> key) {
        List<String> sorted = items.stream().map(key).sorted(Comparator.naturalOrder()).toList();
        Set<String> mine = new java.util.HashSet<>();
        for (int i = index; i < sorted.size(); i += total) {
            mine.add(sorted.get(i));
        }
        List<T> result = new ArrayList<>();
        for (T item : items) {
            if (mine.contains(key.apply(item))) {
                result.add(item);
            }
        }
        return result;
    }

    @Override
    public String toString() {
        return index + "/" + total;
    }
}
