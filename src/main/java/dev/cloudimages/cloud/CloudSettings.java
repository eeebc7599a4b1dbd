package dev.cloudimages.cloud;

import dev.cloudimages.support.BuildException;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A variant's settings as the cloud steps read them ({@code import.method}, {@code regions.ALL},
 * ...), with the one rule for a bad value: an error naming the variant, the key and the value,
 * and what would be accepted.
 */
public record CloudSettings(String variantKey, String cloud, Map<String, Object> config) {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d|seconds?|minutes?|hours?|days?)?");

    public CloudSettings {
        config = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(config));
    }

    /** A variant's settings, for its own cloud. */
    public static CloudSettings of(dev.cloudimages.config.ResolvedVariant variant) {
        return new CloudSettings(variant.key(), dev.cloudimages.plan.VariantPlan.cloudOf(variant), variant.config());
    }

    public Object value(String path) {
        Object current = config;
        for (String part : path.split("\\.")) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(part);
        }
        return current;
    }

    public String string(String path, String fallback) {
        Object value = value(path);
        return value == null || value.toString().isBlank() ? fallback : value.toString().trim();
    }

    public String choice(String path, String fallback, List<String> allowed) {
        String value = string(path, fallback);
        if (value != null && !allowed.contains(value.toLowerCase(Locale.ROOT))) {
            throw bad(path, value, "one of " + String.join(", ", allowed));
        }
        return value == null ? null : value.toLowerCase(Locale.ROOT);
    }

    public int integer(String path, int fallback, int min, int max) {
        String value = string(path, null);
        if (value == null) {
            return fallback;
        }
        try {
            int number = Integer.parseInt(value);
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw bad(path, value, "a whole number from " + min + " to " + max);
    }

    /** A duration: "90m", "2h", "30s", "1d", "500ms", or a number of seconds. */
    public Duration duration(String path, Duration fallback) {
        String value = string(path, null);
        if (value == null) {
            return fallback;
        }
        Matcher matcher = DURATION.matcher(value.toLowerCase(Locale.ROOT));
        if (!matcher.matches() || Long.parseLong(matcher.group(1)) == 0) {
            throw bad(path, value, "a duration such as 30s, 90m, 2h");
        }
        long amount = Long.parseLong(matcher.group(1));
        String unit = matcher.group(2) == null ? "s"
                : matcher.group(2).equals("ms") ? "ms" : matcher.group(2).substring(0, 1);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            default -> Duration.ofSeconds(amount);
        };
    }

    /** A map of name -> true/false ({@code regions}, {@code access}); other values are errors. */
    public Map<String, Boolean> flags(String path) {
        Object value = value(path);
        Map<String, Boolean> flags = new LinkedHashMap<>();
        if (value == null) {
            return flags;
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw bad(path, value.toString(), "a block of NAME = true|false");
        }
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            Object flag = entry.getValue();
            if (flag == null) {
                continue;
            }
            String text = flag.toString();
            if (!text.equals("true") && !text.equals("false")) {
                throw bad(path + "." + entry.getKey(), text, "true or false");
            }
            flags.put(entry.getKey().toString(), Boolean.parseBoolean(text));
        }
        return flags;
    }

    public BuildException bad(String path, String value, String expected) {
        return new BuildException("variant " + variantKey + ": " + path + " is '" + value + "', expected "
                + expected + "; fix it in the " + cloud + " cloud config (configs/cloud/" + cloud + ".conf)");
    }
}
