package dev.cloudimages.cloud;

import dev.cloudimages.plan.Action;
import dev.cloudimages.plan.VariantPlan;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where each shipping variant is, for the pipeline's steady status line:
 * "12 built, 8 imported, 5 published, 1 failed, 6 waiting". Counts only the stages a variant was
 * planned for; "waiting" is every variant not yet finished or failed.
 */
final class ShipStatus {

    private enum Stage { WAITING, BUILT, UPLOADED, IMPORTED, SIGNED, PUBLISHED, DONE, FAILED }

    private final Map<String, Stage> stages = new ConcurrentHashMap<>();
    private final Map<String, Boolean> built = new ConcurrentHashMap<>();
    private final Map<String, Boolean> uploaded = new ConcurrentHashMap<>();
    private final Map<String, Boolean> imported = new ConcurrentHashMap<>();
    private final Map<String, Boolean> signed = new ConcurrentHashMap<>();
    private final Map<String, Boolean> published = new ConcurrentHashMap<>();
    private final boolean anyBuild;
    private final boolean anyUpload;
    private final boolean anyImport;
    private final boolean anySign;
    private final boolean anyPublish;

    ShipStatus(List<VariantPlan> variants) {
        variants.forEach(v -> stages.put(v.key(), Stage.WAITING));
        anyBuild = variants.stream().anyMatch(v -> v.has(Action.BUILD));
        anyUpload = variants.stream().anyMatch(v -> v.has(Action.UPLOAD));
        anyImport = variants.stream().anyMatch(v -> v.has(Action.IMPORT));
        anySign = variants.stream().anyMatch(v -> v.has(Action.SIGN));
        anyPublish = variants.stream().anyMatch(v -> v.has(Action.PUBLISH));
    }

    void built(String key) {
        built.put(key, true);
    }

    void buildFailed(String key) {
        stages.put(key, Stage.FAILED);
    }

    void uploaded(String key) {
        uploaded.put(key, true);
    }

    void imported(String key) {
        imported.put(key, true);
    }

    void signed(String key) {
        signed.put(key, true);
    }

    void published(String key) {
        published.put(key, true);
    }

    void done(String key) {
        stages.put(key, Stage.DONE);
    }

    void failed(String key) {
        stages.put(key, Stage.FAILED);
    }

    String line() {
        StringBuilder line = new StringBuilder();
        append(line, anyBuild, built.size(), "built");
        append(line, anyUpload, uploaded.size(), "uploaded");
        append(line, anyImport, imported.size(), "imported");
        append(line, anySign, signed.size(), "signed");
        append(line, anyPublish, published.size(), "published");
        long failed = stages.values().stream().filter(s -> s == Stage.FAILED).count();
        long finished = stages.values().stream().filter(s -> s == Stage.DONE).count();
        append(line, true, failed, "failed");
        append(line, true, stages.size() - failed - finished, "waiting");
        return line.toString();
    }

    private static void append(StringBuilder line, boolean shown, long count, String what) {
        if (shown) {
            line.append(line.isEmpty() ? "" : ", ").append(count).append(' ').append(what);
        }
    }
}
