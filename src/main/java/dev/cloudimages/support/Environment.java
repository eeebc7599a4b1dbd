package dev.cloudimages.support;

import java.util.Map;
import java.util.Optional;

/** Reading the environment the CLI was given (tests pass their own; the clouds' SDK conventions read it). */
public final class Environment {

    private Environment() {
    }

    /** The first of {@code names} that is set to something other than blanks, trimmed. */
    public static Optional<String> firstSet(Map<String, String> env, String... names) {
        for (String name : names) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                return Optional.of(value.trim());
            }
        }
        return Optional.empty();
    }
}
