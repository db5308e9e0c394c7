package io.pganalytics.common.units;

import java.time.Duration;
import java.time.Period;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them in configuration: a whole number and a unit, {@code ms}, {@code s}, {@code m}
 * (minutes), {@code h} or {@code d} (case does not matter, blanks around and between are allowed); a bare number is
 * seconds; ISO-8601 ({@code PT15M}, {@code P7D}) is accepted too. Never negative; too large for a {@link Duration}
 * is refused rather than wrapped.
 */
public final class Durations {
    /** What every error message shows, so that a reader sees the grammar at once. */
    public static final String EXAMPLES = "examples: 500ms, 30s, 15m, 2h, 7d, PT15M; a bare number is seconds";
    private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");

    private Durations() {
    }

    /**
     * @throws IllegalArgumentException naming the text and the grammar when it is not a duration
     */
    public static Duration parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("a duration is required (" + EXAMPLES + ")");
        }
        String t = text.strip().toLowerCase(Locale.ROOT);
        Matcher m = SIMPLE.matcher(t);
        try {
            if (m.matches()) {
                long amount = Long.parseLong(m.group(1));
                return switch (m.group(2) == null ? "s" : m.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    case "d" -> Duration.ofDays(amount);
                    default -> Duration.ofSeconds(amount);
                };
            }
            if (t.startsWith("p")) {
                Duration iso = t.contains("t") ? Duration.parse(t) : days(text, Period.parse(t));
                if (iso.isNegative()) {
                    throw new IllegalArgumentException("'" + text + "' is negative: a duration must be zero or more");
                }
                return iso;
            }
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is too large for a duration");
        } catch (DateTimeParseException e) {
            // falls through to the message below
        }
        throw new IllegalArgumentException("'" + text + "' is not a duration (" + EXAMPLES + ")");
    }

    /**
     * The duration in this grammar, in its largest whole unit: {@code 14d}, {@code 36h}, {@code 90m}, {@code 45s},
     * {@code 500ms}; {@link #parse} reads it back to the same duration.
     */
    public static String format(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException(duration + " is negative");
        }
        if (duration.toNanosPart() % 1_000_000 != 0) {
            return duration.toString();
        }
        long millis = duration.toMillis();
        if (millis % 1000 != 0) {
            return millis + "ms";
        }
        long seconds = millis / 1000;
        if (seconds != 0 && seconds % 86_400 == 0) {
            return seconds / 86_400 + "d";
        }
        if (seconds != 0 && seconds % 3_600 == 0) {
            return seconds / 3_600 + "h";
        }
        if (seconds != 0 && seconds % 60 == 0) {
            return seconds / 60 + "m";
        }
        return seconds + "s";
    }

    private static Duration days(String text, Period period) {
        if (period.toTotalMonths() != 0) {
            throw new IllegalArgumentException("'" + text + "': months and years have no fixed length; write days (P30D)");
        }
        return Duration.ofDays(period.getDays());
    }
}
