package dev.cloudimages.ci;

import java.util.List;
import java.util.regex.Pattern;

/** A command as one line a POSIX shell reads back into the same words. */
public final class ShellWords {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:=@%+,-]+");

    private ShellWords() {
    }

    public static String join(List<String> words) {
        return String.join(" ", words.stream().map(ShellWords::quote).toList());
    }

    /** A word as it is when it needs no quotes, else in single quotes (a ' inside as '\''). */
    public static String quote(String word) {
        if (!word.isEmpty() && PLAIN.matcher(word).matches()) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
