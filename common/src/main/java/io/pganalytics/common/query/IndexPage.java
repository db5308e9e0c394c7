package io.pganalytics.common.query;

import java.time.Instant;
import java.util.List;

/**
 * {@code GET /api/v1/instances/{id}/indexes}: one page of indexes.
 *
 * @param instanceId the instance
 * @param from       the start of the range the scan counts cover
 * @param to         the range's end
 * @param resolution the data the scan counts come from: raw, 1m or 1h
 * @param orderBy    the order asked for
 * @param total      how many match
 * @param offset     how many come before this page
 * @param limit      the page size asked for
 * @param items      this page
 */
public record IndexPage(long instanceId, Instant from, Instant to, String resolution, String orderBy, long total, int offset,
                        int limit, List<IndexStat> items) {
    public IndexPage {
        items = items == null ? List.of() : List.copyOf(items);
    }
}
