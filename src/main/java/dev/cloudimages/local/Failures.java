package dev.cloudimages.local;

import dev.cloudimages.support.Log;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one line that ends a local step with failed builds: grouped by cause, so 72 builds failing
 * for one reason read as one reason with 72 variants (a few named), not 72 copies of it.
 */
final class Failures {

    /** How many variant keys a line names before "and N more". */
    static final int NAMED = 3;

    private Failures() {
    }

    static String summary(List<LocalBuildStep.Failed> failed, Log log) {
        Map<String, List<LocalBuildStep.Failed>> byCause = new LinkedHashMap<>();
        for (LocalBuildStep.Failed failure : failed) {
            byCause.computeIfAbsent(failure.reason(), r -> new ArrayList<>()).add(failure);
        }
        List<String> causes = new ArrayList<>();
        byCause.forEach((reason, builds) -> {
            List<String> keys = builds.stream().map(LocalBuildStep.Failed::key).toList();
            Path firstLog = builds.stream().map(LocalBuildStep.Failed::log).filter(java.util.Objects::nonNull)
                    .findFirst().orElse(null);
            String logs = firstLog == null ? "" : builds.size() == 1 ? "; log " + log.show(firstLog)
                    : "; logs " + log.show(firstLog.getParent().getParent()) + "/<build name>/build.log";
            causes.add(reason + " (" + (builds.size() == 1 ? "" : builds.size() + " builds: ") + some(keys) + logs + ")");
        });
        return failed.size() + " build(s) failed" + (byCause.size() > 1 ? " for " + byCause.size() + " reasons" : "")
                + ": " + String.join("; ", causes);
    }

    /** "a, b, c and 4 more". */
    static String some(List<String> keys) {
        int shown = Math.min(keys.size(), NAMED);
        return String.join(", ", keys.subList(0, shown)) + (keys.size() > shown ? " and " + (keys.size() - shown)
                + " more" : "");
    }
}
