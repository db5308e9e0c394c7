package io.pganalytics.common.alerting;

import java.time.Instant;

/**
 * Someone on call instead of the rotation's person between two instants.
 *
 * @param id       the override's id
 * @param userId   who
 * @param startsAt from
 * @param endsAt   until
 * @param reason   why; may be null
 */
public record OnCallOverride(Long id, long userId, Instant startsAt, Instant endsAt, String reason) {
}
