package io.pganalytics.server.query;

import java.time.Duration;
import java.time.Instant;

/**
 * A validated range {@code [from, to)}, with {@code from} before {@code to}.
 *
 * @param from the start, inclusive
 * @param to   the end, exclusive
 * @param key  the range as asked ({@code now} for an absent {@code to}): the cache key part, so that "the last hour"
 *             stays one key while time passes (the cache's TTL and the ingest's invalidation bound how stale it gets)
 */
record TimeRange(Instant from, Instant to, String key) {
    Duration length() {
        return Duration.between(from, to);
    }
}
