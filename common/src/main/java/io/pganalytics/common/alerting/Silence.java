package io.pganalytics.common.alerting;

import java.time.Instant;
import java.util.List;

/**
 * {@code /api/v1/silences}: alerts whose labels match every matcher are not notified between {@code startsAt} and
 * {@code endsAt} (they still fire and show, marked silenced).
 *
 * @param id        the silence's id
 * @param matchers  at least one
 * @param startsAt  when it begins (now when null on create)
 * @param endsAt    when it ends
 * @param reason    why (required, at most 500 characters)
 * @param createdBy who made it
 * @param createdAt when
 * @param status    {@code pending}, {@code active} or {@code expired}
 */
public record Silence(Long id, List<Matcher> matchers, Instant startsAt, Instant endsAt, String reason, String createdBy, Instant createdAt,
                      String status) {

    public Silence {
        matchers = matchers == null ? List.of() : List.copyOf(matchers);
    }
}
