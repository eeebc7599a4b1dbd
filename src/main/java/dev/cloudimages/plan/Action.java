package dev.cloudimages.plan;

import java.util.Locale;

/**
 * What can be done to a variant, in the order it is done (the reference's: local, upload, import,
 * sign, publish). UPLOAD and SIGN are planned only for variants with a {@code storage_url}.
 */
public enum Action {
    BUILD, UPLOAD, IMPORT, SIGN, PUBLISH;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
