package dev.cloudimages.plan;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The step asked for on the command line. A later step implies the earlier ones; "state" plans
 * as if for publish but changes nothing (a dry run), like the reference.
 */
public enum Step {
    STATE(EnumSet.allOf(Action.class)),
    LOCAL(EnumSet.of(Action.BUILD)),
    IMPORT(EnumSet.of(Action.BUILD, Action.IMPORT)),
    PUBLISH(EnumSet.allOf(Action.class));

    private final Set<Action> wanted;

    Step(Set<Action> wanted) {
        this.wanted = wanted;
    }

    public Set<Action> wanted() {
        return EnumSet.copyOf(wanted);
    }

    public boolean dryRun() {
        return this == STATE;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
