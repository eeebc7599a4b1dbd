package dev.cloudimages.prune;

import dev.cloudimages.config.ResolvedVariant;
import dev.cloudimages.support.BuildException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which images prune chooses: those whose end of life has passed ({@code end_of_life = true}),
 * revisions older than the newest {@code keep_revisions} of their build, edge images older than
 * {@code edge_days}, and AWS images nobody launched for {@code unused_days}. A rule left out is
 * not applied. The rules are the project's: one {@code prune} block (in Default, typically) that
 * every variant shares, each value replaceable on the command line. A value that would choose
 * every image, or the newest of every variant, is refused before anything is listed.
 */
public record PruneRules(boolean endOfLife, Integer keepRevisions, Integer edgeDays, Integer unusedDays) {

    public static final String KEY = "prune";

    /** The command line's values; null where not given. */
    public record Overrides(Boolean endOfLife, Integer keepRevisions, Integer edgeDays, Integer unusedDays) {
        public static final Overrides NONE = new Overrides(null, null, null, null);
    }

    public static PruneRules of(List<ResolvedVariant> variants, Overrides overrides) {
        Map<?, ?> block = null;
        String from = null;
        for (ResolvedVariant variant : variants) {
            Object value = variant.config().get(KEY);
            Map<?, ?> here = value instanceof Map<?, ?> map ? map : null;
            if (value != null && here == null) {
                throw new BuildException("variant " + variant.key() + ": prune is '" + value + "', expected a block such"
                        + " as prune { keep_revisions = 1, edge_days = 14, unused_days = 90, end_of_life = true }");
            }
            if (from != null && !Objects.equals(normal(block), normal(here))) {
                throw new BuildException("variants " + from + " and " + variant.key() + " have different prune rules;"
                        + " prune works on the whole project: set prune { ... } once, in Default");
            }
            block = here;
            from = variant.key();
        }
        Map<?, ?> rules = block == null ? Map.of() : block;
        for (Object key : rules.keySet()) {
            if (!List.of("end_of_life", "keep_revisions", "edge_days", "unused_days").contains(key.toString())) {
                throw new BuildException("prune." + key + " is not a prune rule; the rules are end_of_life,"
                        + " keep_revisions, edge_days and unused_days");
            }
        }
        boolean endOfLife = overrides.endOfLife() != null ? overrides.endOfLife() : flag(rules.get("end_of_life"));
        PruneRules chosen = new PruneRules(endOfLife,
                overrides.keepRevisions() != null ? overrides.keepRevisions() : number(rules, "keep_revisions"),
                overrides.edgeDays() != null ? overrides.edgeDays() : number(rules, "edge_days"),
                overrides.unusedDays() != null ? overrides.unusedDays() : number(rules, "unused_days"));
        chosen.check();
        return chosen;
    }

    /** One line for each value that would remove the newest images or everything. */
    private void check() {
        if (keepRevisions != null && keepRevisions < 1) {
            throw new BuildException("prune: keep_revisions = " + keepRevisions + " would remove the latest revision of"
                    + " every variant, which prune never removes; keep at least 1");
        }
        if (edgeDays != null && edgeDays < 1) {
            throw new BuildException("prune: edge_days = " + edgeDays + " matches every edge image; use 1 or more days");
        }
        if (unusedDays != null && unusedDays < 1) {
            throw new BuildException("prune: unused_days = " + unusedDays + " matches every AWS image; use 1 or more"
                    + " days");
        }
        if (!endOfLife && keepRevisions == null && edgeDays == null && unusedDays == null) {
            throw new BuildException("prune: no rule is set; set prune { keep_revisions = 1, edge_days = 14,"
                    + " unused_days = 90, end_of_life = true } (any of them) in Default, or pass --keep-revisions,"
                    + " --edge-days or --unused-days");
        }
    }

    /** "end_of_life, keep_revisions = 1, edge_days = 14", for the log. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        if (endOfLife) {
            parts.add("end_of_life");
        }
        if (keepRevisions != null) {
            parts.add("keep_revisions = " + keepRevisions);
        }
        if (edgeDays != null) {
            parts.add("edge_days = " + edgeDays);
        }
        if (unusedDays != null) {
            parts.add("unused_days = " + unusedDays);
        }
        return String.join(", ", parts);
    }

    private static String normal(Map<?, ?> block) {
        return block == null ? "" : new java.util.TreeMap<>(block.entrySet().stream().collect(
                java.util.stream.Collectors.toMap(e -> e.getKey().toString(), e -> String.valueOf(e.getValue()))))
                .toString();
    }

    private static boolean flag(Object value) {
        if (value == null) {
            return false;
        }
        if (!value.toString().equals("true") && !value.toString().equals("false")) {
            throw new BuildException("prune.end_of_life is '" + value + "', expected true or false");
        }
        return Boolean.parseBoolean(value.toString());
    }

    private static Integer number(Map<?, ?> rules, String key) {
        Object value = rules.get(key);
        if (value == null) {
            return null;
        }
        try {
            return Integer.parseInt(value.toString().trim());
        } catch (NumberFormatException e) {
            throw new BuildException("prune." + key + " is '" + value + "', expected a whole number");
        }
    }
}
