package io.pganalytics.common.query;

import java.time.Instant;
import java.util.List;

/**
 * {@code GET /api/v1/instances/{id}/queries/top}.
 *
 * @param instanceId the instance
 * @param from       the range's start (inclusive)
 * @param to         the range's end (exclusive)
 * @param resolution the data it was computed from: raw, 1m or 1h
 * @param orderBy    total_time, calls, mean_time, rows or io, descending
 * @param total      how many distinct statements ran in the range
 * @param offset     how many come before this page
 * @param limit      the page size asked for
 * @param items      this page
 * @param other      the collector's "other" row (statements outside its top N, queryid 0) summed over the range, or null
 */
public record TopQueries(long instanceId, Instant from, Instant to, String resolution, String orderBy, long total, int offset,
                         int limit, List<QueryStat> items, QueryStat other) {
    public TopQueries {
        items = items == null ? List.of() : List.copyOf(items);
    }
}
