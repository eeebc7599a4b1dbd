package dev.cloudimages.plan;

import java.util.Locale;

/** What can be done to a variant, in the order it is done. */
public enum Action {
    BUILD, IMPORT, PUBLISH;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
