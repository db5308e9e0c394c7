package io.pganalytics.console.common;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The range a dashboard, query list or table list covers: a preset ending now (15 min ... 7 d), or a fixed custom
 * range.
 *
 * @param label  what the picker shows
 * @param length a preset's length, or null for a custom range
 * @param from   a custom range's start, or null
 * @param to     a custom range's end, or null
 */
public record TimeRange(String label, Duration length, Instant from, Instant to) {
    public static final TimeRange LAST_15_MINUTES = preset("15 min", Duration.ofMinutes(15));
    public static final TimeRange LAST_HOUR = preset("1 h", Duration.ofHours(1));
    public static final TimeRange LAST_6_HOURS = preset("6 h", Duration.ofHours(6));
    public static final TimeRange LAST_24_HOURS = preset("24 h", Duration.ofHours(24));
    public static final TimeRange LAST_7_DAYS = preset("7 d", Duration.ofDays(7));
    public static final List<TimeRange> PRESETS = List.of(LAST_15_MINUTES, LAST_HOUR, LAST_6_HOURS, LAST_24_HOURS, LAST_7_DAYS);

    public static TimeRange preset(String label, Duration length) {
        return new TimeRange(label, length, null, null);
    }

    public static TimeRange custom(Instant from, Instant to) {
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("The range must start before it ends.");
        }
        return new TimeRange("custom", null, from, to);
    }

    public boolean isCustom() {
        return length == null;
    }

    /** The start of the range as of {@code clock}. */
    public Instant start(Clock clock) {
        return isCustom() ? from : clock.instant().minus(length);
    }

    /** The end of the range as of {@code clock}. */
    public Instant end(Clock clock) {
        return isCustom() ? to : clock.instant();
    }
}
