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
        return imageNameWith(variant, Integer.toString(revision));
    }

    /** Matches the image names of every revision of the variant's build; group 1 is the revision. */
    public static java.util.regex.Pattern revisions(ResolvedVariant variant, String suffix) {
        String marker = "\u0000";
        String[] parts = imageNameWith(variant, marker).split(marker, -1);
        return java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(parts[0]) + "(0|[1-9][0-9]{0,8})"
                + java.util.regex.Pattern.quote(parts[1] + suffix));
    }

    private static String imageNameWith(ResolvedVariant variant, String revision) {
        String name = name(variant);
        return name.contains(REVISION) ? name.replace(REVISION, revision) : name + "-r" + revision;
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
