package io.pganalytics.server.query;

import io.helidon.config.Config;
import io.pganalytics.server.config.Settings;

import java.time.Duration;

/**
 * The {@code query} node.
 *
 * @param expectedInterval  how often an instance's data is expected (the shortest interval collectors use for the
 *                          families that keep an instance "up": 1 minute by default)
 * @param upWithin          data collected within this (3 expected intervals) makes an instance {@code up}
 * @param downAfter         no batch received for this long makes it {@code down}
 * @param maxPoints         the most points a series or timeline answers with
 * @param maxRange          the longest range any route accepts
 * @param defaultRange      the range when {@code from} is absent
 * @param rawUpTo           ranges up to this are served from raw rows
 * @param minuteUpTo        ranges up to this from 1-minute rollups; longer ones from 1-hour rollups
 * @param rawMaxAge         raw rows older than this are assumed gone (the raw retention): older ranges use rollups
 * @param minuteMaxAge      1-minute rollups older than this are assumed gone
 * @param statementTimeout  the most one query may run in the database
 * @param textExcerpt       characters of query text in lists
 * @param cacheTtl          how long a cached answer lives at most; 0 turns the cache off
 * @param cacheMaxEntries   cached answers per node (the near cache holds at most as many)
 */
public record QueryConfig(Duration expectedInterval, Duration upWithin, Duration downAfter, int maxPoints, Duration maxRange,
                          Duration defaultRange, Duration rawUpTo, Duration minuteUpTo, Duration rawMaxAge, Duration minuteMaxAge,
                          Duration statementTimeout, int textExcerpt, Duration cacheTtl, int cacheMaxEntries) {

    public static QueryConfig from(Config node) {
        Duration expected = Settings.duration(node, "expected-interval", Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofHours(1));
        Duration down = Settings.duration(node, "down-after", Duration.ofMinutes(10), Duration.ofSeconds(10), Duration.ofDays(1));
        if (down.compareTo(expected.multipliedBy(3)) < 0) {
            throw Settings.problem(node, "down-after", down + " must be at least 3 x query.expected-interval (" + expected
                    + "): an instance is up while its data is younger than that");
        }
        Duration rawUpTo = Settings.duration(node, "raw-up-to", Duration.ofHours(6), Duration.ofMinutes(5), Duration.ofDays(2));
        Duration minuteUpTo = Settings.duration(node, "minute-up-to", Duration.ofDays(7), Duration.ofHours(1), Duration.ofDays(60));
        if (minuteUpTo.compareTo(rawUpTo) <= 0) {
            throw Settings.problem(node, "minute-up-to", minuteUpTo + " must be longer than query.raw-up-to (" + rawUpTo + ")");
        }
        Duration maxRange = Settings.duration(node, "max-range", Duration.ofDays(400), Duration.ofDays(1), Duration.ofDays(3660));
        Duration defaultRange = Settings.duration(node, "default-range", Duration.ofHours(1), Duration.ofMinutes(1), Duration.ofDays(31));
        if (defaultRange.compareTo(maxRange) > 0) {
            throw Settings.problem(node, "default-range", defaultRange + " must not exceed query.max-range (" + maxRange + ")");
        }
        return new QueryConfig(expected, expected.multipliedBy(3), down,
                Settings.integer(node, "max-points", 1000, 10, 10_000),
                maxRange, defaultRange, rawUpTo, minuteUpTo,
                Settings.duration(node, "raw-max-age", Duration.ofDays(14), Duration.ofDays(1), Duration.ofDays(3660)),
                Settings.duration(node, "minute-max-age", Duration.ofDays(90), Duration.ofDays(1), Duration.ofDays(3660)),
                Settings.duration(node, "statement-timeout", Duration.ofSeconds(15), Duration.ofMillis(100), Duration.ofMinutes(5)),
                Settings.integer(node, "text-excerpt", 300, 20, 100_000),
                Settings.duration(node, "cache-ttl", Duration.ofSeconds(60), Duration.ZERO, Duration.ofHours(1)),
                Settings.integer(node, "cache-max-entries", 10_000, 100, 10_000_000));
    }

    static QueryConfig defaults() {
        return from(Config.empty());
    }
}
