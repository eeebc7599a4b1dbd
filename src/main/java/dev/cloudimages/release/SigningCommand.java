package dev.cloudimages.release;

import dev.cloudimages.config.ResolvedVariant;
import dev.cloudimages.support.BuildException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A variant's {@code signing_cmd} (the reference's key): a command line with {@code {file}} for
 * the image, which must leave a detached signature in {@code {file}.asc}. Unset, it is gpg making
 * an armoured detached signature with the default key; set to "" or null, the variant is not
 * signed. The words are split on spaces (no shell), so a file name is never interpreted.
 */
public final class SigningCommand {

    public static final String KEY = "signing_cmd";
    public static final String DEFAULT = "gpg --batch --yes --detach-sign --armor --output {file}.asc {file}";

    private SigningCommand() {
    }

    /** The command's words for the variant, or empty when it is not to be signed. */
    public static Optional<String> of(ResolvedVariant variant) {
        if (!variant.config().containsKey(KEY)) {
            return Optional.of(DEFAULT);
        }
        Object value = variant.config().get(KEY);
        return value == null || value.toString().isBlank() ? Optional.empty() : Optional.of(value.toString());
    }

    /** The command for one file: {file} replaced in each word. */
    public static List<String> forFile(String command, String file, String variantKey) {
        if (!command.contains("{file}")) {
            throw new BuildException("variant " + variantKey + ": " + KEY + " '" + command + "' has no {file}; "
                    + "write where the image goes, e.g. '" + DEFAULT + "'");
        }
        List<String> words = new ArrayList<>();
        for (String word : command.trim().split("\\s+")) {
            words.add(word.replace("{file}", file));
        }
        return words;
    }
}
