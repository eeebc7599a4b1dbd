package dev.cloudimages.plan;

import java.util.Locale;

/**
 * What can be done to a variant, in the order it is done (the reference's: local, upload, import,
 * sign, publish, release). UPLOAD, SIGN and RELEASE are planned only for variants with a
 * {@code storage_url}: the store is where "released" is recorded and the catalog read from.
 */
public enum Action {
    BUILD, UPLOAD, IMPORT, SIGN, PUBLISH, RELEASE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
