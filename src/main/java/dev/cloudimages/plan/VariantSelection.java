package dev.cloudimages.plan;

import dev.cloudimages.config.Resolution;
import dev.cloudimages.config.ResolvedVariant;
import dev.cloudimages.support.BuildException;
import dev.cloudimages.support.Suggestions;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What narrows the variants beyond --only/--skip: {@code --variant KEY...}, exact variant keys
 * (as {@code state} prints them, the unit a CI job is given), and {@code --shard I/N}, one part
 * of whatever is selected.
 */
public record VariantSelection(List<String> keys, Optional<Shard> shard) {

    public static final VariantSelection ALL = new VariantSelection(List.of(), Optional.empty());

    public VariantSelection {
        keys = List.copyOf(new LinkedHashSet<>(keys));
    }

    /**
     * Every --variant key must be a resolved variant: one that EXCLUDE or end of life dropped says
     * so, any other names the nearest keys (a typo must not select nothing in silence).
     */
    public void check(Resolution resolution) {
        Set<String> known = new LinkedHashSet<>();
        resolution.variants().forEach(v -> known.add(v.key()));
        for (String key : keys) {
            if (known.contains(key)) {
                continue;
            }
            Optional<Resolution.Skipped> skipped = resolution.skipped().stream().filter(s -> s.key().equals(key))
                    .findFirst();
            if (skipped.isPresent()) {
                throw new BuildException("--variant " + key + " is not built: "
                        + (skipped.get().reason() == Resolution.Reason.EXCLUDED ? "it " : "") + skipped.get().detail());
            }
            List<String> nearest = Suggestions.nearest(key, known, 3);
            throw new BuildException("--variant " + key + " is no variant of the config; nearest: "
                    + String.join(" ", nearest) + " ('./build state' lists them all)");
        }
    }

    /** The variants --variant names (all when it names none), in their given order. */
    public List<ResolvedVariant> named(List<ResolvedVariant> variants) {
        return keys.isEmpty() ? variants : variants.stream().filter(v -> keys.contains(v.key())).toList();
    }

    /** This run's shard of {@code selected} (all of it without --shard). */
    public List<ResolvedVariant> shardOf(List<ResolvedVariant> selected) {
        return shard.map(s -> s.of(selected, ResolvedVariant::key)).orElse(selected);
    }
}
