package dev.cloudimages.plan;

import java.util.List;

/** The plan for one run: every selected variant's actions, in configs order. */
public record Plan(Step step, boolean revise, List<VariantPlan> variants) {

    public Plan {
        variants = List.copyOf(variants);
    }

    public boolean nothingToDo() {
        return variants.stream().allMatch(v -> v.actions().isEmpty());
    }

    public List<VariantPlan> with(Action action) {
        return variants.stream().filter(v -> v.has(action)).toList();
    }
}
