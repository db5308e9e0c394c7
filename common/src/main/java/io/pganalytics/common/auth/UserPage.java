package io.pganalytics.common.auth;

import java.util.List;

/**
 * {@code GET /api/v1/users}: one page of users, in id order.
 *
 * @param items  the users of this page
 * @param total  how many users there are in all
 * @param offset how many users come before this page
 * @param limit  the most users a page may hold, as asked
 */
public record UserPage(List<UserView> items, long total, int offset, int limit) {
    public UserPage {
        items = items == null ? List.of() : List.copyOf(items);
    }
}
