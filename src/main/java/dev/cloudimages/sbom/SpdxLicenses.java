package dev.cloudimages.sbom;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An apk license field as an SPDX license expression. Alpine's APKBUILDs mostly write SPDX
 * expressions already ({@code GPL-2.0-or-later AND MIT}, {@code ... WITH Linux-syscall-note}), but
 * some use words of their own ({@code custom}, {@code Public-Domain}, {@code custom:foo}) or list
 * licenses without an operator. A word that is not an SPDX-style identifier becomes a
 * {@code LicenseRef-}, which SPDX requires to be described in the document (collected here); a
 * field that is no expression at all is NOASSERTION, its text kept in the package's comment.
 * Identifiers are not checked against SPDX's license list (it would have to be shipped and kept
 * current): a well-formed unknown identifier passes as written.
 */
final class SpdxLicenses {

    /** licenseId to the apk word it stands for, for hasExtractedLicensingInfos. */
    private final Map<String, String> references = new TreeMap<>();

    record Declared(String expression, String comment) {
    }

    Declared declared(String field) {
        String text = field.trim();
        if (text.isEmpty()) {
            return new Declared("NOASSERTION", null);
        }
        List<String> tokens = tokens(text);
        if (tokens == null || !wellFormed(tokens)) {
            return new Declared("NOASSERTION", "apk license field: " + text);
        }
        List<String> out = new ArrayList<>();
        for (String token : tokens) {
            out.add(isOperator(token) || token.equals("(") || token.equals(")") ? token : identifier(token));
        }
        return new Declared(String.join(" ", out).replace("( ", "(").replace(" )", ")"), null);
    }

    /** LicenseRef ids used so far and the apk word each stands for. */
    Map<String, String> references() {
        return references;
    }

    private String identifier(String word) {
        if (word.matches("[A-Za-z0-9][A-Za-z0-9.-]*\\+?") && !word.equalsIgnoreCase("custom")
                && !word.equalsIgnoreCase("Public-Domain")) {
            return word;
        }
        String id = "LicenseRef-apk-" + word.replaceAll("[^A-Za-z0-9.-]", "-");
        references.put(id, word);
        return id;
    }

    private static List<String> tokens(String text) {
        List<String> tokens = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c == '(' || c == ')' || Character.isWhitespace(c)) {
                if (!word.isEmpty()) {
                    tokens.add(word.toString());
                    word.setLength(0);
                }
                if (!Character.isWhitespace(c)) {
                    tokens.add(String.valueOf(c));
                }
            } else if (c < 33 || c > 126) {
                return null;
            } else {
                word.append(c);
            }
        }
        if (!word.isEmpty()) {
            tokens.add(word.toString());
        }
        return tokens;
    }

    /** license (op license)* with balanced parentheses; WITH takes an exception id. */
    private static boolean wellFormed(List<String> tokens) {
        int depth = 0;
        boolean expectTerm = true;
        for (String token : tokens) {
            if (token.equals("(")) {
                if (!expectTerm) {
                    return false;
                }
                depth++;
            } else if (token.equals(")")) {
                if (expectTerm || --depth < 0) {
                    return false;
                }
            } else if (isOperator(token)) {
                if (expectTerm) {
                    return false;
                }
                expectTerm = true;
            } else {
                if (!expectTerm) {
                    return false; // two licenses without an operator between them
                }
                expectTerm = false;
            }
        }
        return depth == 0 && !expectTerm;
    }

    private static boolean isOperator(String token) {
        return token.equals("AND") || token.equals("OR") || token.equals("WITH");
    }
}
