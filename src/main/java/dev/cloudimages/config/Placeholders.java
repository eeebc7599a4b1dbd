package dev.cloudimages.config;

import dev.cloudimages.support.BuildException;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fills {@code {placeholder}} fields in a resolved variant's strings from the variant's own top-level
 * values ({release}, {version}, {cloud}, ...) plus {v_version} ("v3.22" or "edge"). Placeholders whose
 * value only exists in later steps ({revision}, {region}, {image_id}) are left for those steps.
 * In the fields the reference formatted strictly (name, description, motd, repos) an unknown
 * placeholder is an error and {{ }} stand for literal braces; elsewhere unknown ones are left alone,
 * so scripts and user data may contain braces of their own.
 */
final class Placeholders {

    static final Set<String> LATER_STEPS = Set.of("revision", "region", "image_id");
    static final Set<String> STRICT_FIELDS = Set.of("name", "description", "motd", "repos");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)}");

    private final String variant;
    private final Map<String, String> values;

    Placeholders(String variant, Map<String, String> values) {
        this.variant = variant;
        this.values = values;
    }

    static Placeholders forVariant(String variant, Map<String, Object> state) {
        Map<String, String> values = new java.util.HashMap<>();
        state.forEach((key, value) -> {
            if (value instanceof String || value instanceof Number || value instanceof Boolean) {
                values.put(key, value.toString());
            }
        });
        Object version = state.get(TopConfig.VERSION);
        if (version != null) {
            values.put("v_version", "edge".equals(version) ? "edge" : "v" + version);
        }
        values.putIfAbsent("release_notes", "");
        return new Placeholders(variant, values);
    }

    /** Fills every string in {@code state}, recursively. */
    @SuppressWarnings("unchecked")
    void fill(Map<String, Object> state, String path) {
        for (Map.Entry<String, Object> entry : state.entrySet()) {
            String where = path.isEmpty() ? entry.getKey() : path + "." + entry.getKey();
            Object value = entry.getValue();
            if (value instanceof String text) {
                entry.setValue(path.isEmpty() && STRICT_FIELDS.contains(entry.getKey())
                        ? fillStrict(text, where) : fill(text, where, false));
            } else if (value instanceof Map) {
                fill((Map<String, Object>) value, where);
            } else if (value instanceof List) {
                List<Object> list = (List<Object>) value;
                for (int i = 0; i < list.size(); i++) {
                    if (list.get(i) instanceof String text) {
                        list.set(i, fill(text, where + "[" + i + "]", false));
                    } else if (list.get(i) instanceof Map) {
                        fill((Map<String, Object>) list.get(i), where + "[" + i + "]");
                    }
                }
            }
        }
    }

    /** Python str.format style: {{ and }} are literal braces, every {name} must be known. */
    String fillStrict(String text, String where) {
        StringBuilder result = new StringBuilder();
        int start = 0;
        int brace;
        while ((brace = indexOfDoubled(text, start)) >= 0) {
            result.append(fill(text.substring(start, brace), where, true)).append(text.charAt(brace));
            start = brace + 2;
        }
        return result.append(fill(text.substring(start), where, true)).toString();
    }

    private static int indexOfDoubled(String text, int from) {
        int open = text.indexOf("{{", from);
        int close = text.indexOf("}}", from);
        if (open < 0) {
            return close;
        }
        return close < 0 ? open : Math.min(open, close);
    }

    String fill(String text, String where, boolean strict) {
        if (text.indexOf('{') < 0) {
            return text;
        }
        Matcher matcher = PLACEHOLDER.matcher(text);
        StringBuilder filled = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1);
            String replacement = values.get(name);
            if (replacement == null) {
                if (strict && !LATER_STEPS.contains(name)) {
                    throw new BuildException("variant " + variant + ": " + where + " uses unknown placeholder {" + name
                            + "}; known here: " + String.join(", ", known()));
                }
                replacement = matcher.group();
            }
            matcher.appendReplacement(filled, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(filled);
        return filled.toString();
    }

    private Set<String> known() {
        Set<String> known = new TreeSet<>(values.keySet());
        known.addAll(LATER_STEPS);
        return known;
    }
}
