package dev.cloudimages.cloud.gcp;

import com.google.cloud.compute.v1.Image;
import dev.cloudimages.cloud.ImageIdentity;
import dev.cloudimages.cloud.RemoteImage;
import dev.cloudimages.support.BuildException;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The build identity as GCP labels, and GCP's naming rules. A label value may hold only lower-case
 * letters, digits, '_' and '-', at most 63 characters: values are lower-cased, every other
 * character becomes '_' ("3.24.1" is "3_24_1"), and long values are cut at 63. The description is
 * no label (it goes in the image's description). Image and family names follow RFC 1035: lower
 * case, '.' and '_' become '-', and a name that is then still not
 * {@code [a-z]([-a-z0-9]{0,61}[a-z0-9])?} is an error before anything is uploaded.
 */
final class GcpLabels {

    static final int MAX = 63;
    private static final Pattern RFC1035 = Pattern.compile("[a-z]([-a-z0-9]{0,61}[a-z0-9])?");

    private GcpLabels() {
    }

    /** The identity labels (without description) plus {@code extra}, values mapped to GCP's rules. */
    static Map<String, String> of(ImageIdentity identity, Map<String, String> extra) {
        Map<String, String> labels = new LinkedHashMap<>();
        identity.tags().forEach((k, v) -> {
            if (!k.equals("description")) {
                labels.put(k, value(v));
            }
        });
        extra.forEach((k, v) -> labels.put(k, value(v)));
        return labels;
    }

    static String value(String value) {
        String mapped = value.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "_");
        return mapped.length() > MAX ? mapped.substring(0, MAX) : mapped;
    }

    /** An image or family name under RFC 1035, or one line saying why there is none. */
    static String name(String what, String name, String fix) {
        String mapped = name.toLowerCase(Locale.ROOT).replace('.', '-').replace('_', '-');
        if (!RFC1035.matcher(mapped).matches()) {
            throw new BuildException("gcp: the " + what + " '" + name + "' (as '" + mapped + "') is not a GCP name:"
                    + " at most 63 of a-z, 0-9 and '-', starting with a letter and not ending with '-'; " + fix);
        }
        return mapped;
    }

    /**
     * A list filter for images carrying these labels (values mapped as above), in the form the
     * Compute API documents: each expression in parentheses, joined by AND
     * ({@code (labels.a = "x") AND (labels.b = "y")}); without the parentheses it is refused.
     */
    static String filter(Map<String, String> labels) {
        return String.join(" AND ", new java.util.TreeMap<>(labels).entrySet().stream()
                .map(e -> "(labels." + e.getKey() + " = \"" + value(e.getValue()) + "\")").toList());
    }

    static int revision(Image image) {
        try {
            return Integer.parseInt(image.getLabelsMap().getOrDefault(ImageIdentity.BUILD_REVISION, "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** An image read back; build name and end of life come as labelled (dates keep their form). */
    static RemoteImage remote(Image image, String buildName) {
        Map<String, String> labels = image.getLabelsMap();
        return new RemoteImage(image.getName(), "global", buildName, revision(image),
                labels.getOrDefault(ImageIdentity.END_OF_LIFE, ""), labels.containsKey(ImageIdentity.IMPORTED),
                labels.containsKey(ImageIdentity.PUBLISHED), labels);
    }
}
