package io.pganalytics.common.query;

import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/instances}: one page of the fleet, in name order.
 *
 * @param items    the instances of this page
 * @param total    how many instances match the filters
 * @param offset   how many matching instances come before this page
 * @param limit    the page size asked for
 * @param counts   instances per status in the whole fleet (ignoring the filters): {@code up}, {@code stale}, {@code down}
 * @param statusAt the time the statuses were computed for
 */
public record InstancePage(List<InstanceSummary> items, long total, int offset, int limit, Map<String, Long> counts,
                           java.time.Instant statusAt) {
    public InstancePage {
        items = items == null ? List.of() : List.copyOf(items);
        counts = counts == null ? Map.of() : Map.copyOf(counts);
    }
}
