package dev.cloudimages.support;

import java.util.Collection;
import java.util.Optional;

/** "did you mean": the known name nearest to a misspelt one, when it is near enough to be a typo. */
public final class Suggestions {

    private Suggestions() {
    }

    /** The closest of {@code known} by edit distance, if near enough: 1 edit for short names, else 2 or a third of it. */
    public static Optional<String> nearest(String name, Collection<String> known) {
        return closest(name, known).filter(c -> distance(name.toLowerCase(), c.toLowerCase())
                <= (name.length() <= 3 ? 1 : Math.max(2, name.length() / 3)));
    }

    /** The closest of {@code known} by edit distance, however far. */
    public static Optional<String> closest(String name, Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int distance = distance(name.toLowerCase(), candidate.toLowerCase());
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The {@code count} known names nearest to {@code name}, nearest first (ties in the given order). */
    public static java.util.List<String> nearest(String name, Collection<String> known, int count) {
        return known.stream()
                .sorted(java.util.Comparator.comparingInt(k -> distance(name.toLowerCase(), k.toLowerCase())))
                .limit(count).toList();
    }

    /** "; did you mean 'x'?" or nothing. */
    public static String didYouMean(String name, Collection<String> known) {
        return nearest(name, known).map(n -> "; did you mean '" + n + "'?").orElse("");
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
