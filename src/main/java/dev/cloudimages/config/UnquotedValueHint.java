package dev.cloudimages.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The fix for a HOCON line that holds an unquoted value with ':' in it, such as
 * {@code description = [ - https://alpinelinux.org/cloud ]}: the reference's pyhocon read such a
 * value as text, strict HOCON reads ':' as a separator and '//' as the start of a comment. Given
 * the line, names the values to quote and gives the line with them quoted.
 */
record UnquotedValueHint(List<String> values, String fixedLine) {

    /** The hint for {@code line}, or empty when no unquoted value on it holds ':'. */
    static Optional<UnquotedValueHint> of(String line) {
        String text = withoutHashComment(line).strip();
        int separator = separator(text);
        String head = separator < 0 ? "" : text.substring(0, separator + 1);
        String value = text.substring(separator + 1).strip();
        if (value.startsWith("{")) {
            return Optional.empty();
        }
        String comma = "";
        if (value.endsWith(",")) {
            comma = ",";
            value = value.substring(0, value.length() - 1).strip();
        }
        List<String> quoted = new ArrayList<>();
        String fixed;
        if (value.startsWith("[") && value.endsWith("]")) {
            List<String> elements = new ArrayList<>();
            for (String element : splitOutsideQuotes(value.substring(1, value.length() - 1))) {
                elements.add(quoteIfNeeded(element.strip(), quoted));
            }
            fixed = "[ " + String.join(", ", elements) + " ]";
        } else {
            fixed = quoteIfNeeded(value, quoted);
        }
        if (quoted.isEmpty()) {
            return Optional.empty();
        }
        String prefix = head.isEmpty() ? "" : head.strip() + " ";
        return Optional.of(new UnquotedValueHint(quoted, prefix + fixed + comma));
    }

    /** One line: "quote ... : write ..." for an error message. */
    String advice() {
        return "quote " + (values.size() == 1 ? "the value" : "the values") + " " + String.join(", ", values)
                + " (HOCON reads ':' and '//' in unquoted text as syntax; the reference's pyhocon did not): write "
                + fixedLine;
    }

    private static String quoteIfNeeded(String value, List<String> quoted) {
        if (value.isEmpty() || value.startsWith("\"") || !value.contains(":")) {
            return value;
        }
        quoted.add(value);
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Where the key ends: the first '=' outside quotes, else a ':' followed by a blank; -1 for none. */
    private static int separator(String text) {
        boolean inQuotes = false;
        int colon = -1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                inQuotes = !inQuotes;
            } else if (!inQuotes && (c == '[' || c == '{')) {
                break;
            } else if (!inQuotes && c == '=') {
                return i;
            } else if (!inQuotes && c == ':' && colon < 0 && i + 1 < text.length()
                    && Character.isWhitespace(text.charAt(i + 1))) {
                colon = i;
            }
        }
        return colon;
    }

    private static List<String> splitOutsideQuotes(String text) {
        List<String> parts = new ArrayList<>();
        boolean inQuotes = false;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                inQuotes = !inQuotes;
            } else if (c == ',' && !inQuotes) {
                parts.add(text.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(text.substring(start));
        return parts.stream().filter(p -> !p.isBlank()).toList();
    }

    /** '#' starts a comment outside quotes; '//' is left alone, as it is what the value holds. */
    private static String withoutHashComment(String line) {
        boolean inQuotes = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                inQuotes = !inQuotes;
            } else if (c == '#' && !inQuotes) {
                return line.substring(0, i);
            }
        }
        return line;
    }
}
