package io.pganalytics.server.query;

import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.series.SeriesSchema.Resolution;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Turns {@code from}, {@code to} and {@code step} parameters into a range, a resolution and a step, with the rules
 * docs/API.md states: ranges up to {@code query.raw-up-to} (6 h) from raw rows, up to {@code query.minute-up-to} (7 d)
 * from 1-minute rollups, longer ones from 1-hour rollups, and never from data older than its retention; the step
 * chosen so that at most {@code query.max-points} points come back.
 */
final class RangePlanner {
    /** Steps chosen automatically: round figures a chart axis can label. */
    private static final long[] NICE_STEPS = {1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200,
            86400, 172800, 604800, 2592000};

    private final QueryConfig config;
    private final Clock clock;

    RangePlanner(QueryConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    /** {@code from} (default: {@code to} minus the default range) and {@code to} (default: now), validated. */
    TimeRange range(Optional<String> fromText, Optional<String> toText) {
        return range(fromText, toText, config.defaultRange());
    }

    TimeRange range(Optional<String> fromText, Optional<String> toText, Duration defaultRange) {
        Instant to = toText.map(t -> instant("to", t)).orElseGet(clock::instant);
        Instant from = fromText.map(t -> instant("from", t)).orElse(to.minus(defaultRange));
        if (!from.isBefore(to)) {
            throw ApiException.invalid("from", "must be before to (" + to + "), was " + from);
        }
        if (Duration.between(from, to).compareTo(config.maxRange()) > 0) {
            throw ApiException.invalid("to", "the range " + from + " .. " + to + " is longer than the maximum of "
                    + config.maxRange().toDays() + " days");
        }
        String key = fromText.map(String::trim).orElse("-" + defaultRange.toSeconds()) + "|" + toText.map(String::trim).orElse("now");
        return new TimeRange(from, to, key);
    }

    /**
     * The finest resolution whose range threshold admits the range and whose data still reaches back to its start.
     * Families without rollups are always read raw.
     */
    Resolution resolution(TimeRange range, boolean hasRollups) {
        if (!hasRollups) {
            return Resolution.RAW;
        }
        Instant now = clock.instant();
        Duration length = range.length();
        if (length.compareTo(config.rawUpTo()) <= 0 && !range.from().isBefore(now.minus(config.rawMaxAge()))) {
            return Resolution.RAW;
        }
        if (length.compareTo(config.minuteUpTo()) <= 0 && !range.from().isBefore(now.minus(config.minuteMaxAge()))) {
            return Resolution.MINUTE;
        }
        return Resolution.HOUR;
    }

    /**
     * The step in seconds: the one asked for (a whole number of seconds, or 30s, 5m, 1h...) raised to the resolution's
     * bucket width, or else the smallest round step that keeps the points within the maximum and is no finer than the
     * data ({@code dataInterval}).
     */
    long step(TimeRange range, Resolution resolution, Duration dataInterval, Optional<Long> askedStep) {
        long rangeSeconds = Math.max(1, range.length().toSeconds());
        long floor = Math.max(resolutionSeconds(resolution), 1);
        if (askedStep.isPresent()) {
            long asked = askedStep.get();
            long needed = ceilDiv(rangeSeconds, config.maxPoints());
            if (asked < needed) {
                throw ApiException.invalid("step", "a step of " + asked + " s gives more than " + config.maxPoints()
                        + " points over " + rangeSeconds + " s: use at least " + needed + " s");
            }
            return Math.max(asked, floor);
        }
        long wanted = Math.max(Math.max(floor, dataInterval.toSeconds()), ceilDiv(rangeSeconds, config.maxPoints()));
        for (long nice : NICE_STEPS) {
            if (nice >= wanted) {
                return nice;
            }
        }
        return wanted;
    }

    static long resolutionSeconds(Resolution resolution) {
        return switch (resolution) {
            case RAW -> 1;
            case MINUTE -> 60;
            case HOUR -> 3600;
        };
    }

    static String wireName(Resolution resolution) {
        return switch (resolution) {
            case RAW -> "raw";
            case MINUTE -> "1m";
            case HOUR -> "1h";
        };
    }

    /** A {@code step} parameter in seconds: a whole number, or a duration such as 30s, 5m, 1h. */
    static long stepSeconds(String text) {
        long seconds;
        try {
            seconds = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            seconds = io.pganalytics.server.config.Settings.parseDuration(text)
                    .map(Duration::toSeconds)
                    .orElseThrow(() -> ApiException.invalid("step", "must be seconds (60) or a duration (30s, 5m, 1h), was '"
                            + abbreviate(text) + "'"));
        }
        if (seconds < 1 || seconds > Duration.ofDays(31).toSeconds()) {
            throw ApiException.invalid("step", "must be from 1 s to 31 days, was " + seconds + " s");
        }
        return seconds;
    }

    private static Instant instant(String field, String text) {
        try {
            return Instant.parse(text.trim());
        } catch (DateTimeParseException e) {
            try {
                return java.time.OffsetDateTime.parse(text.trim()).toInstant();
            } catch (DateTimeParseException e2) {
                throw ApiException.invalid(field, "must be an ISO-8601 instant such as 2026-11-21T10:00:00Z, was '"
                        + abbreviate(text) + "'");
            }
        }
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    static String abbreviate(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }
}
