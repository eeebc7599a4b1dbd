package dev.cloudimages.plan;

import dev.cloudimages.config.ResolvedVariant;

/**
 * The one rule for names: the build name identifies a variant's images across revisions, the
 * image name is one revision of it ({@code <build name>-r<revision>}). A config whose name holds
 * "{revision}" (as later reference configs do) gets the revision there instead, and its build
 * name is the name without that part.
 */
public final class ImageNames {

    private static final String REVISION = "{revision}";

    private ImageNames() {
    }

    public static String buildName(ResolvedVariant variant) {
        String name = name(variant);
        if (!name.contains(REVISION)) {
            return name;
        }
        return name.replace("-r" + REVISION, "").replace("-" + REVISION, "").replace(REVISION, "")
                .replaceAll("-{2,}", "-").replaceAll("^-|-$", "");
    }

    public static String imageName(ResolvedVariant variant, int revision) {
        String name = name(variant);
        return name.contains(REVISION) ? name.replace(REVISION, Integer.toString(revision)) : name + "-r" + revision;
    }

    private static String name(ResolvedVariant variant) {
        Object name = variant.config().get("name");
        if (!(name instanceof String text) || text.isBlank()) {
            throw new dev.cloudimages.support.BuildException("variant " + variant.key()
                    + " has no name; give Default a name = [ ... ]");
        }
        return text;
    }
}
