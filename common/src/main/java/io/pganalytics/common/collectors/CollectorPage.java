package io.pganalytics.common.collectors;

import java.util.List;

/**
 * {@code GET /api/v1/collectors}: one page of collectors, in registration order.
 *
 * @param items  the collectors of this page
 * @param total  how many collectors there are in all
 * @param offset how many collectors come before this page
 * @param limit  the most collectors a page may hold, as asked
 */
public record CollectorPage(List<CollectorView> items, long total, int offset, int limit) {
    public CollectorPage {
        items = items == null ? List.of() : List.copyOf(items);
    }
}
