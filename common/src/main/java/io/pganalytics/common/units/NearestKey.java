package io.pganalytics.common.units;

import java.util.Collection;
import java.util.Optional;

/**
 * The valid configuration key nearest to a misspelt one, by edit distance (Levenshtein: insertions, deletions and
 * substitutions of one character each), so that an error can say "did you mean spool.max-bytes?".
 */
public final class NearestKey {
    private NearestKey() {
    }

    /** The candidate with the smallest edit distance to {@code key} (the first such in iteration order); empty when none. */
    public static Optional<String> among(String key, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int d = distance(key, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The Levenshtein distance between two strings. */
    public static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
