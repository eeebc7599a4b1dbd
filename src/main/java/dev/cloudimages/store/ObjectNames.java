package dev.cloudimages.store;

import java.security.SecureRandom;

/** The one rule for object names in a store, and the temporary names uploads go to first. */
public final class ObjectNames {

    private static final SecureRandom RANDOM = new SecureRandom();

    private ObjectNames() {
    }

    /** A name is one plain file name: the URL holds the "directory", so a name never escapes it. */
    public static String check(String name) {
        if (!name.matches("[A-Za-z0-9_+-][A-Za-z0-9._+-]*")) {
            throw new IllegalArgumentException("not a plain object name: " + name);
        }
        return name;
    }

    /**
     * Where an upload goes before its final name: hidden (leading dot) and marked, so listings of
     * final names never see it and a sweep can tell it from a finished object.
     */
    public static String temporary(String name) {
        return "." + check(name) + "." + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".part";
    }

    public static boolean isTemporary(String name) {
        return name.startsWith(".") && name.endsWith(".part");
    }

    /** What every temporary name of {@code name} starts with: what a sweep lists. */
    public static String temporaryPrefix(String name) {
        return "." + check(name) + ".";
    }

    /**
     * Whether {@code candidate} is a temporary name of an upload of {@code name} exactly: the random
     * part has no dot, so {@code .a.sha512.x1y2.part} (of {@code a.sha512}) is not one of {@code a}.
     */
    public static boolean isTemporaryOf(String name, String candidate) {
        String prefix = temporaryPrefix(name);
        return candidate.startsWith(prefix) && candidate.substring(prefix.length()).matches("[0-9a-z]+\\.part");
    }

    /**
     * Whether the bucket key {@code key} is a temporary of an upload of {@code name} in the store
     * whose keys start with {@code base} (the store's prefix and its slash, or nothing): the
     * service's prefix match is checked again, as listings of multipart uploads may not filter.
     */
    public static boolean isTemporaryOf(String name, String base, String key) {
        return key.startsWith(base) && isTemporaryOf(name, key.substring(base.length()));
    }

    /** {@code prefix/name}, or the name alone at a bucket's root. */
    public static String under(String prefix, String name) {
        return prefix.isEmpty() ? check(name) : prefix + "/" + check(name);
    }
}
