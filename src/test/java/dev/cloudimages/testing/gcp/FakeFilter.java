package dev.cloudimages.testing.gcp;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The list filter of the Compute API as its reference documents it, and nothing more: one
 * expression {@code field op value} on its own, or several, each in parentheses, joined by AND,
 * OR or nothing (AND); operators {@code = != > < >= <= :} (and {@code :*} for "has the field"),
 * or {@code eq}/{@code ne} whose value is a regular expression matching the whole field (only on
 * one field, and not mixed with the other operators). Values are double-quoted, or unquoted
 * words; eq/ne take single quotes too. Anything else is refused, as Compute refuses it with
 * HTTP 400, so a caller that writes {@code a = "x" AND b = "y"} finds out here.
 */
final class FakeFilter {

    /** A filter Compute would refuse. */
    static final class Invalid extends RuntimeException {
        Invalid(String filter, String why) {
            super("Invalid value for field 'filter': '" + filter + "'. Invalid list filter expression (" + why + ").");
        }
    }

    private static final Pattern EXPRESSION = Pattern.compile(
            "\\s*([a-zA-Z][a-zA-Z0-9_.-]*)\\s*(!=|>=|<=|=|>|<|:|\\beq\\b|\\bne\\b)\\s*"
                    + "(\"(?:[^\"\\\\]|\\\\.)*\"|'[^']*'|\\*|[^\\s()\"']+)\\s*");
    private static final Pattern JOIN = Pattern.compile("\\s*(AND|OR)?\\s*");

    private record Expression(String field, String op, String value, boolean quoted) {

        boolean regex() {
            return op.equals("eq") || op.equals("ne");
        }

        boolean test(JsonNode resource) {
            JsonNode node = resource;
            for (String part : field.split("\\.")) {
                node = node == null ? null : node.get(part);
            }
            String have = node == null || node.isNull() ? null : node.asText();
            return switch (op) {
                case "=" -> value.equals(have);
                case "!=" -> !value.equals(have);
                case ":" -> value.equals("*") && !quoted ? have != null : have != null && have.contains(value);
                case ">" -> have != null && have.compareTo(value) > 0;
                case "<" -> have != null && have.compareTo(value) < 0;
                case ">=" -> have != null && have.compareTo(value) >= 0;
                case "<=" -> have != null && have.compareTo(value) <= 0;
                case "eq" -> have != null && have.matches(value);
                default -> have == null || !have.matches(value);
            };
        }
    }

    private FakeFilter() {
    }

    /** The resources {@code filter} keeps; an empty filter keeps all. */
    static Predicate<JsonNode> parse(String filter) {
        String text = filter == null ? "" : filter.trim();
        if (text.isEmpty()) {
            return r -> true;
        }
        if (!text.startsWith("(")) {
            Matcher single = EXPRESSION.matcher(text);
            if (!single.matches()) {
                throw new Invalid(filter, "more than one expression must each be in parentheses");
            }
            Expression expression = expression(single, filter);
            return expression::test;
        }
        // (e1) AND (e2) OR (e3): AND binds tighter; no keyword is AND
        List<List<Expression>> anyOf = new ArrayList<>(List.of(new ArrayList<>()));
        int at = 0;
        boolean first = true;
        while (at < text.length()) {
            Matcher join = JOIN.matcher(text).region(at, text.length());
            join.lookingAt();
            if (!first && "OR".equals(join.group(1))) {
                anyOf.add(new ArrayList<>());
            } else if (first && join.group(1) != null) {
                throw new Invalid(filter, "starts with " + join.group(1));
            }
            at = join.end();
            if (at >= text.length() || text.charAt(at) != '(') {
                throw new Invalid(filter, "expected '(' at " + at);
            }
            int close = text.indexOf(')', at);
            if (close < 0) {
                throw new Invalid(filter, "unclosed '('");
            }
            Matcher inner = EXPRESSION.matcher(text.substring(at + 1, close));
            if (!inner.matches()) {
                throw new Invalid(filter, "'" + text.substring(at + 1, close) + "' is no expression");
            }
            anyOf.get(anyOf.size() - 1).add(expression(inner, filter));
            at = close + 1;
            first = false;
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
                at++;
            }
        }
        List<Expression> all = anyOf.stream().flatMap(List::stream).toList();
        if (all.stream().anyMatch(Expression::regex) && (!all.stream().allMatch(Expression::regex)
                || all.stream().map(Expression::field).distinct().count() > 1)) {
            throw new Invalid(filter, "eq/ne are for one field, not mixed with other operators");
        }
        return r -> anyOf.stream().anyMatch(group -> group.stream().allMatch(e -> e.test(r)));
    }

    private static Expression expression(Matcher m, String filter) {
        String op = m.group(2);
        String raw = m.group(3);
        boolean regex = op.equals("eq") || op.equals("ne");
        if (raw.startsWith("'") && !regex) {
            throw new Invalid(filter, "single quotes are for eq/ne");
        }
        boolean quoted = raw.startsWith("\"") || raw.startsWith("'");
        String value = quoted ? raw.substring(1, raw.length() - 1).replace("\\\"", "\"") : raw;
        return new Expression(m.group(1), op, value, quoted);
    }
}
