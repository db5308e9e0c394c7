package io.pganalytics.common.alerting;

import java.time.Instant;

/**
 * One person's turn.
 *
 * @param userId   who
 * @param username their user name
 * @param email    their contact address; null when none is set
 * @param rotation the rotation's name, or {@code override}
 * @param from     start
 * @param to       end
 */
public record OnCallShift(long userId, String username, String email, String rotation, Instant from, Instant to) {
}
