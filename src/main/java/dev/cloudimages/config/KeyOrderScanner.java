package dev.cloudimages.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads HOCON text only far enough to learn the order of object keys (see {@link KeyOrder}).
 * Values, substitutions and syntax checking are left to the HOCON library, which parses the same
 * files first; this scanner is lenient and skips what it does not need to understand.
 */
final class KeyOrderScanner {

    private static final String UNQUOTED_FORBIDDEN = "$\"{}[]:=,+#`^?!@*&\\";
    private static final int MAX_INCLUDE_DEPTH = 50;

    private final KeyOrder order = new KeyOrder();
    private final List<MissingInclude> missingIncludes = new ArrayList<>();

    /** A required include whose file does not exist, with where the include stands. */
    record MissingInclude(Path file, int line, String name) {
    }

    static KeyOrder scan(Path file) {
        return of(file).order;
    }

    static List<MissingInclude> missingIncludes(Path file) {
        return of(file).missingIncludes;
    }

    private static KeyOrderScanner of(Path file) {
        KeyOrderScanner scanner = new KeyOrderScanner();
        scanner.scanFile(file, List.of(), 0);
        return scanner;
    }

    static KeyOrder scanText(String text, Path baseDir) {
        KeyOrderScanner scanner = new KeyOrderScanner();
        scanner.new Cursor(baseDir.resolve("(text)"), text, baseDir, 0).root(List.of());
        return scanner.order;
    }

    private void scanFile(Path file, List<String> path, int depth) {
        if (depth > MAX_INCLUDE_DEPTH || !Files.isRegularFile(file)) {
            return;
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return; // the HOCON library already reported unreadable files
        }
        Path dir = file.toAbsolutePath().getParent();
        new Cursor(file, text, dir, depth).root(path);
    }

    private final class Cursor {
        private final Path file;
        private final String text;
        private final Path dir;
        private final int depth;
        private int pos;
        private List<String> includedAt = List.of();

        Cursor(Path file, String text, Path dir, int depth) {
            this.file = file;
            this.text = text;
            this.dir = dir;
            this.depth = depth;
        }

        void root(List<String> path) {
            includedAt = List.copyOf(path);
            skipBlank(true);
            if (peek() == '{') {
                pos++;
            }
            objectBody(path);
        }

        /** Fields until the closing brace (consumed) or the end of text. */
        private void objectBody(List<String> path) {
            while (true) {
                skipBlank(true);
                while (peek() == ',') {
                    pos++;
                    skipBlank(true);
                }
                if (atEnd()) {
                    return;
                }
                char c = peek();
                if (c == '}') {
                    pos++;
                    return;
                }
                if (atInclude()) {
                    include(path);
                    continue;
                }
                List<String> key = keyPath();
                if (key.isEmpty()) {
                    pos++; // not a key: skip the character and carry on
                    continue;
                }
                skipBlank(false);
                List<String> field = new ArrayList<>(path);
                for (String element : key) {
                    order.add(field, element);
                    field.add(element);
                }
                c = peek();
                if (c == '{') {
                    value(field);
                } else if (c == '=' || c == ':') {
                    pos++;
                    skipBlank(true);
                    value(field);
                } else if (c == '+' && peekAt(1) == '=') {
                    pos += 2;
                    skipBlank(true);
                    value(List.of()); // appends to an array: no keys to order
                }
            }
        }

        /** A value, possibly a concatenation; objects in it merge into {@code field}. */
        private void value(List<String> field) {
            boolean object = false;
            boolean other = false;
            boolean substitution = false;
            while (!atEnd()) {
                skipBlank(false);
                char c = peek();
                if (atEnd() || c == '\n' || c == ',' || c == '}' || c == ']' || c == '#' || atComment()) {
                    break;
                }
                if (c == '{') {
                    pos++;
                    objectBody(field);
                    object = true;
                } else if (c == '[') {
                    pos++;
                    skipUntilClose(']');
                    other = true;
                } else if (c == '"') {
                    quoted();
                    other = true;
                } else if (c == '$' && peekAt(1) == '{') {
                    pos += 2;
                    substitution(field);
                    substitution = true;
                } else if (isUnquoted(c)) {
                    while (!atEnd() && isUnquoted(peek()) && !atComment()) {
                        pos++;
                    }
                    other = true;
                } else {
                    pos++;
                }
            }
            // a literal scalar or list replaces an earlier object; a substitution may merge with it
            if (other && !object && !substitution && !field.isEmpty()) {
                order.reset(field);
            }
        }

        /** ${path} or ${?path}: the field takes the referenced object's keys where it stands. */
        private void substitution(List<String> field) {
            if (peek() == '?') {
                pos++;
            }
            skipBlank(false);
            List<String> referenced = keyPath();
            skipUntilClose('}');
            if (referenced.isEmpty() || field.isEmpty()) {
                return;
            }
            // in an included file a substitution is first looked up below where the include stands
            List<List<String>> candidates = new ArrayList<>();
            if (!includedAt.isEmpty()) {
                List<String> prefixed = new ArrayList<>(includedAt);
                prefixed.addAll(referenced);
                candidates.add(prefixed);
            }
            candidates.add(referenced);
            order.addSubstitution(field, candidates);
        }

        /** Skips a bracketed array or substitution body, nested structures and strings included. */
        private void skipUntilClose(char close) {
            int nesting = 0;
            while (!atEnd()) {
                char c = peek();
                if (c == '"') {
                    quoted();
                    continue;
                }
                if (c == '#' || atComment()) {
                    skipToLineEnd();
                    continue;
                }
                pos++;
                if (c == '[' || c == '{') {
                    nesting++;
                } else if (c == ']' || c == '}') {
                    if (nesting == 0) {
                        return;
                    }
                    nesting--;
                }
            }
        }

        private List<String> keyPath() {
            List<String> elements = new ArrayList<>();
            StringBuilder current = new StringBuilder();
            boolean started = false;
            while (!atEnd()) {
                char c = peek();
                if (c == '"') {
                    current.append(quoted());
                    started = true;
                } else if (isUnquoted(c) && !atComment()) {
                    pos++;
                    if (c == '.') {
                        elements.add(current.toString());
                        current.setLength(0);
                    } else {
                        current.append(c);
                    }
                    started = true;
                } else if ((c == ' ' || c == '\t') && started) {
                    int save = pos;
                    skipBlank(false);
                    char next = peek();
                    if (!atEnd() && (next == '"' || (isUnquoted(next) && !atComment()))) {
                        current.append(text, save, pos);
                    } else {
                        break;
                    }
                } else {
                    break;
                }
            }
            if (started) {
                elements.add(current.toString());
            }
            return elements;
        }

        /** Reads a quoted or triple-quoted string and returns its (unescaped enough) content. */
        private String quoted() {
            if (text.startsWith("\"\"\"", pos)) {
                int end = text.indexOf("\"\"\"", pos + 3);
                end = end < 0 ? text.length() : end;
                while (end + 3 < text.length() && text.charAt(end + 3) == '"') {
                    end++;
                }
                String content = text.substring(pos + 3, end);
                pos = Math.min(text.length(), end + 3);
                return content;
            }
            pos++;
            StringBuilder content = new StringBuilder();
            while (!atEnd()) {
                char c = text.charAt(pos++);
                if (c == '"' || c == '\n') {
                    break;
                }
                if (c == '\\' && !atEnd()) {
                    char escaped = text.charAt(pos++);
                    content.append(switch (escaped) {
                        case 'n' -> '\n';
                        case 't' -> '\t';
                        default -> escaped;
                    });
                } else {
                    content.append(c);
                }
            }
            return content.toString();
        }

        private boolean atInclude() {
            if (!text.startsWith("include", pos)) {
                return false;
            }
            int after = pos + "include".length();
            if (after >= text.length() || (text.charAt(after) != ' ' && text.charAt(after) != '\t')) {
                return false;
            }
            int i = after;
            while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
                i++;
            }
            return i < text.length() && (text.charAt(i) == '"' || text.startsWith("required(", i)
                    || text.startsWith("file(", i) || text.startsWith("url(", i) || text.startsWith("classpath(", i));
        }

        private void include(List<String> path) {
            int line = 1 + (int) text.substring(0, pos).chars().filter(c -> c == '\n').count();
            pos += "include".length();
            skipBlank(false);
            boolean fileLike = true;
            boolean required = false;
            if (text.startsWith("required(", pos)) {
                required = true;
                pos += "required(".length();
                skipBlank(false);
            }
            if (text.startsWith("file(", pos)) {
                pos += "file(".length();
            } else if (text.startsWith("url(", pos) || text.startsWith("classpath(", pos)) {
                fileLike = false;
                pos = text.indexOf('(', pos) + 1;
            }
            skipBlank(false);
            String name = peek() == '"' ? quoted() : "";
            while (!atEnd() && (peek() == ')' || peek() == ' ' || peek() == '\t')) {
                pos++;
            }
            if (!fileLike || name.isEmpty()) {
                return;
            }
            Path target = dir.resolve(name);
            if (Files.isRegularFile(target)) {
                scanFile(target, path, depth + 1);
            } else if (!target.getFileName().toString().contains(".")
                    && (Files.isRegularFile(dir.resolve(name + ".conf")) || Files.isRegularFile(dir.resolve(name + ".json")))) {
                scanFile(dir.resolve(name + ".conf"), path, depth + 1);
                scanFile(dir.resolve(name + ".json"), path, depth + 1);
            } else if (required) {
                missingIncludes.add(new MissingInclude(file, line, name));
            }
        }

        private void skipBlank(boolean newlines) {
            while (!atEnd()) {
                char c = peek();
                if (c == ' ' || c == '\t' || c == '\r' || c == '\uFEFF' || (newlines && c == '\n')) {
                    pos++;
                } else if (newlines && (c == '#' || atComment())) {
                    skipToLineEnd();
                } else {
                    return;
                }
            }
        }

        private void skipToLineEnd() {
            int end = text.indexOf('\n', pos);
            pos = end < 0 ? text.length() : end;
        }

        private boolean atComment() {
            return text.startsWith("//", pos);
        }

        private boolean isUnquoted(char c) {
            return !Character.isWhitespace(c) && UNQUOTED_FORBIDDEN.indexOf(c) < 0;
        }

        private boolean atEnd() {
            return pos >= text.length();
        }

        private char peek() {
            return atEnd() ? '\0' : text.charAt(pos);
        }

        private char peekAt(int offset) {
            return pos + offset < text.length() ? text.charAt(pos + offset) : '\0';
        }
    }
}
