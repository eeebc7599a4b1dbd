package dev.cloudimages.config;

import java.util.List;

/** What resolving a top-level config produced: the variants, and the ones dropped with the reason. */
public record Resolution(List<Dimension> dimensions, List<ResolvedVariant> variants, List<Skipped> skipped) {

    public enum Reason { EXCLUDED, END_OF_LIFE }

    /** A candidate variant that is not built, and why ("aarch64 excludes bios", "end of life 2026-11-01"). */
    public record Skipped(String key, Reason reason, String detail) {
    }

    public Resolution {
        dimensions = List.copyOf(dimensions);
        variants = List.copyOf(variants);
        skipped = List.copyOf(skipped);
    }

    public long count(Reason reason) {
        return skipped.stream().filter(s -> s.reason() == reason).count();
    }
}
