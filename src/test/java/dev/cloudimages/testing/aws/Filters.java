package dev.cloudimages.testing.aws;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** EC2 Describe filters: every filter must match (values of one filter are alternatives; * and ? are wildcards). */
final class Filters {
    /** A resource's values for a filter name; unknown names raise InvalidParameterValue as EC2 does. */
    interface Field {
        List<String> values(String filterName);
    }

    private Filters() {
    }

    static boolean matches(Map<String, List<String>> filters, Field field) {
        for (Map.Entry<String, List<String>> filter : filters.entrySet()) {
            List<String> actual = field.values(filter.getKey());
            boolean any = filter.getValue().stream().anyMatch(wanted -> actual.stream()
                    .anyMatch(value -> glob(wanted).matcher(value).matches()));
            if (!any) {
                return false;
            }
        }
        return true;
    }

    /** Values for {@code tag:KEY} and {@code tag-key}; any other name is not a valid filter. */
    static List<String> tagValues(String filterName, Map<String, String> tags) {
        if (filterName.startsWith("tag:")) {
            String value = tags.get(filterName.substring(4));
            return value == null ? List.of() : List.of(value);
        }
        if (filterName.equals("tag-key")) {
            return List.copyOf(tags.keySet());
        }
        throw AwsError.client("InvalidParameterValue", "The filter '" + filterName + "' is invalid");
    }

    private static Pattern glob(String wanted) {
        StringBuilder regex = new StringBuilder();
        for (char c : wanted.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}
