package io.pganalytics.common.collectors;

import java.util.List;

/**
 * {@code GET /api/v1/collectors/registration-tokens}: one page of tokens, newest first.
 *
 * @param items  the tokens of this page
 * @param total  how many tokens there are in all
 * @param offset how many tokens come before this page
 * @param limit  the most tokens a page may hold, as asked
 */
public record RegistrationTokenPage(List<RegistrationTokenView> items, long total, int offset, int limit) {
    public RegistrationTokenPage {
        items = items == null ? List.of() : List.copyOf(items);
    }
}
