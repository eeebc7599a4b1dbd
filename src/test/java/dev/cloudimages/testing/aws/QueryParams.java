package dev.cloudimages.testing.aws;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The form parameters of one EC2 Query request, with the EC2 list conventions ({@code Name.N}, {@code Name.N.Member}). */
final class QueryParams {
    private final Map<String, String> values;

    private QueryParams(Map<String, String> values) {
        this.values = values;
    }

    static QueryParams parse(String form) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : form.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            values.put(key, eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
        return new QueryParams(values);
    }

    String get(String name) {
        return values.get(name);
    }

    String require(String name) {
        String value = values.get(name);
        if (value == null || value.isEmpty()) {
            throw AwsError.client("MissingParameter", "The request must contain the parameter " + name);
        }
        return value;
    }

    boolean flag(String name) {
        return "true".equalsIgnoreCase(values.get(name));
    }

    /** The values of {@code prefix.1}, {@code prefix.2}, ... in index order. */
    List<String> list(String prefix) {
        List<String> result = new ArrayList<>();
        for (int index : indexes(prefix)) {
            String value = values.get(prefix + "." + index);
            if (value != null) {
                result.add(value);
            }
        }
        return result;
    }

    /** The indexes N used under {@code prefix.N} or {@code prefix.N.anything}, ascending. */
    List<Integer> indexes(String prefix) {
        Pattern pattern = Pattern.compile(Pattern.quote(prefix) + "\\.(\\d+)(\\..*)?");
        TreeSet<Integer> found = new TreeSet<>();
        for (String key : values.keySet()) {
            Matcher matcher = pattern.matcher(key);
            if (matcher.matches()) {
                found.add(Integer.parseInt(matcher.group(1)));
            }
        }
        return new ArrayList<>(found);
    }

    /** {@code Filter.N.Name} and {@code Filter.N.Value.M} (or another prefix, e.g. {@code Filters}). */
    Map<String, List<String>> filters(String prefix) {
        Map<String, List<String>> filters = new LinkedHashMap<>();
        for (int index : indexes(prefix)) {
            String name = values.get(prefix + "." + index + ".Name");
            if (name != null) {
                filters.put(name, list(prefix + "." + index + ".Value"));
            }
        }
        return filters;
    }

    /** {@code prefix.N.Key} / {@code prefix.N.Value}, e.g. {@code Tag}. */
    Map<String, String> tags(String prefix) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (int index : indexes(prefix)) {
            String key = values.get(prefix + "." + index + ".Key");
            if (key != null) {
                String value = values.get(prefix + "." + index + ".Value");
                tags.put(key, value == null ? "" : value);
            }
        }
        return tags;
    }

    /** Tags from {@code TagSpecification.N} whose ResourceType is the given one. */
    Map<String, String> tagSpecification(String resourceType) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (int index : indexes("TagSpecification")) {
            String prefix = "TagSpecification." + index;
            if (resourceType.equals(values.get(prefix + ".ResourceType"))) {
                tags.putAll(tags(prefix + ".Tag"));
            }
        }
        return tags;
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }
}
