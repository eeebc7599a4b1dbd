package dev.cloudimages.plan;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The step asked for on the command line. A later step implies the earlier ones; "state" plans
 * as if for publish but changes nothing (a dry run), like the reference. "rollback" plans nothing
 * to do: it looks at what exists and undoes it (RollbackStep).
 */
public enum Step {
    STATE(EnumSet.range(Action.BUILD, Action.PUBLISH)),
    ROLLBACK(EnumSet.noneOf(Action.class)),
    LOCAL(EnumSet.of(Action.BUILD)),
    UPLOAD(EnumSet.of(Action.BUILD, Action.UPLOAD)),
    IMPORT(EnumSet.of(Action.BUILD, Action.UPLOAD, Action.IMPORT)),
    SIGN(EnumSet.of(Action.BUILD, Action.UPLOAD, Action.IMPORT, Action.SIGN)),
    PUBLISH(EnumSet.range(Action.BUILD, Action.PUBLISH)),
    RELEASE(EnumSet.allOf(Action.class));

    private final Set<Action> wanted;

    Step(Set<Action> wanted) {
        this.wanted = wanted;
    }

    public Set<Action> wanted() {
        return wanted.isEmpty() ? EnumSet.noneOf(Action.class) : EnumSet.copyOf(wanted);
    }

    public boolean dryRun() {
        return this == STATE;
    }

    /** Whether the step needs the clouds' state (all but local; rollback removes imported images). */
    public boolean asksClouds() {
        return this != LOCAL && this != UPLOAD;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
