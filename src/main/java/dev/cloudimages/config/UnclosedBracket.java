package dev.cloudimages.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * Where a HOCON file opens a '{' or '[' it never closes. The parser reports a missing '}' at the end
 * of the file as "expecting a close parentheses ')'"; this finds the opener the user has to look at.
 */
record UnclosedBracket(char bracket, int line) {

    char closer() {
        return bracket == '{' ? '}' : ']';
    }

    static Optional<UnclosedBracket> find(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            return Optional.empty();
        }
        Deque<UnclosedBracket> open = new ArrayDeque<>();
        int line = 1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                line++;
            } else if (text.startsWith("\"\"\"", i)) {
                int end = text.indexOf("\"\"\"", i + 3);
                end = end < 0 ? text.length() : end + 2;
                line += (int) text.substring(i, end).chars().filter(ch -> ch == '\n').count();
                i = end;
            } else if (c == '"') {
                for (i++; i < text.length() && text.charAt(i) != '"' && text.charAt(i) != '\n'; i++) {
                    if (text.charAt(i) == '\\') {
                        i++;
                    }
                }
            } else if (c == '#' || text.startsWith("//", i)) {
                while (i + 1 < text.length() && text.charAt(i + 1) != '\n') {
                    i++;
                }
            } else if (c == '{' || c == '[') {
                open.push(new UnclosedBracket(c, line));
            } else if ((c == '}' || c == ']') && !open.isEmpty()) {
                open.pop();
            }
        }
        return Optional.ofNullable(open.peek());
    }
}
