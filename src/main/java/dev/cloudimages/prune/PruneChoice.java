package dev.cloudimages.prune;

import dev.cloudimages.cloud.CloudImage;
import dev.cloudimages.prune.PruneInventory.Revision;
import dev.cloudimages.support.BuildException;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rules applied to the inventory. A revision chosen by a revision-wide rule goes whole (its
 * image in every region and its store record); {@code unused_days} judges each AWS region's copy
 * on its own, and the revision goes whole only when every copy is unused. Never chosen, whatever
 * the rules say: the newest revision of a build the configs still have (the one they publish),
 * and its newest released one (what the catalog and the latest pointers name). A rule that
 * matches every revision of the project is refused, before anything is removed.
 */
final class PruneChoice {

    /** What goes of one revision, and why. {@code whole}: everything of it, store record included. */
    record Removal(Revision revision, List<CloudImage> images, boolean whole, String why) {
    }

    /** A revision a rule chose that is kept, and why. */
    record Kept(Revision revision, String rule, String why) {
    }

    record Result(List<Removal> removals, List<Kept> kept) {
    }

    private final PruneRules rules;
    private final Instant now;

    PruneChoice(PruneRules rules, Instant now) {
        this.rules = rules;
        this.now = now;
    }

    /** {@code variants}: build key ("cloud/build name") to the configs' variant key, for builds still there. */
    Result choose(Map<String, List<Revision>> builds, Map<String, String> variants) {
        List<Removal> removals = new ArrayList<>();
        List<Kept> kept = new ArrayList<>();
        Map<String, Integer> matchedBy = new LinkedHashMap<>();
        int total = 0;
        for (Map.Entry<String, List<Revision>> build : builds.entrySet()) {
            List<Revision> revisions = build.getValue();
            String variant = variants.get(build.getKey());
            Optional<Revision> released = revisions.stream().filter(Revision::isReleased).findFirst();
            for (int rank = 0; rank < revisions.size(); rank++) {
                Revision revision = revisions.get(rank);
                total++;
                Map<String, String> reasons = reasons(revision, rank, revisions.get(0));
                List<CloudImage> unused = unused(revision);
                reasons.keySet().forEach(rule -> matchedBy.merge(rule, 1, Integer::sum));
                if (!unused.isEmpty() && unused.size() == revision.images().size()) {
                    matchedBy.merge("unused_days", 1, Integer::sum);
                }
                if (reasons.isEmpty() && unused.isEmpty()) {
                    continue;
                }
                String rule = reasons.isEmpty() ? "unused_days" : reasons.keySet().iterator().next();
                if (variant != null && rank == 0) {
                    kept.add(new Kept(revision, rule, "the latest of variant " + variant));
                } else if (variant != null && released.filter(r -> r == revision).isPresent()) {
                    kept.add(new Kept(revision, rule, "the released image of variant " + variant
                            + " (the catalog and the latest pointers name it)"));
                } else if (!reasons.isEmpty()) {
                    removals.add(new Removal(revision, revision.images(), true, String.join("; ", reasons.values())));
                } else {
                    removals.add(new Removal(revision, unused, unused.size() == revision.images().size(),
                            "not launched for " + rules.unusedDays() + " days or more"));
                }
            }
        }
        for (Map.Entry<String, Integer> rule : matchedBy.entrySet()) {
            if (total > 0 && rule.getValue() == total) {
                throw new BuildException("prune: the rule " + describe(rule.getKey()) + " matches every image of the"
                        + " project (" + total + " revision(s)); refused, as prune keeps the newest of each variant;"
                        + " check the rule (and end_of_life in the configs)");
            }
        }
        return new Result(removals, kept);
    }

    /** The revision-wide rules a revision matches, each with its reason. */
    private Map<String, String> reasons(Revision revision, int rank, Revision newest) {
        Map<String, String> reasons = new LinkedHashMap<>();
        LocalDate today = now.atZone(ZoneOffset.UTC).toLocalDate();
        if (rules.endOfLife()) {
            revision.endOfLife().filter(today::isAfter)
                    .ifPresent(eol -> reasons.put("end_of_life", "end of life " + eol + " passed"));
        }
        if (rules.keepRevisions() != null && rank >= rules.keepRevisions()) {
            reasons.put("keep_revisions", "r" + revision.revision() + " is not among the newest "
                    + rules.keepRevisions() + " revision(s) (r" + newest.revision() + " is the newest)");
        }
        if (rules.edgeDays() != null && revision.isEdge() && revision.created().isAfter(Instant.EPOCH)) {
            long days = Duration.between(revision.created(), now).toDays();
            if (days >= rules.edgeDays()) {
                reasons.put("edge_days", "edge, " + days + " days old (edge_days = " + rules.edgeDays() + ")");
            }
        }
        return reasons;
    }

    /** The revision's AWS images not launched (nor made) within unused_days. */
    private List<CloudImage> unused(Revision revision) {
        if (rules.unusedDays() == null) {
            return List.of();
        }
        Instant before = now.minus(Duration.ofDays(rules.unusedDays()));
        return revision.images().stream().filter(i -> i.cloud().equals("aws"))
                .filter(i -> i.lastLaunched().orElse(i.created()).isBefore(before)
                        && i.created().isBefore(before)).toList();
    }

    private String describe(String rule) {
        return switch (rule) {
            case "keep_revisions" -> "keep_revisions = " + rules.keepRevisions();
            case "edge_days" -> "edge_days = " + rules.edgeDays();
            case "unused_days" -> "unused_days = " + rules.unusedDays();
            default -> "end_of_life";
        };
    }
}
