package io.pganalytics.common.alerting;

import java.time.Instant;

/**
 * {@code /api/v1/notifications}: one message to one receiver or person, and what became of it.
 *
 * @param id              the notification's id
 * @param incidentId      its incident
 * @param routeId         the route that chose it; null for a test
 * @param receiverId      its receiver
 * @param receiverName    its name
 * @param recipient       the person's address (escalation targets); null otherwise
 * @param event           {@code firing}, {@code updated}, {@code escalated}, {@code repeat} or {@code resolved}
 * @param escalationLevel the level, for escalation policies
 * @param state           {@code pending}, {@code sent}, {@code failed} (gave up) or {@code dropped} (queue full)
 * @param attempts        how many times it was tried
 * @param createdAt       when it was decided
 * @param sentAt          when it was delivered
 * @param responseStatus  the last HTTP status or SMTP code
 * @param lastError       the last failure, without secrets
 * @param feedback        {@code useful} or {@code noise}; null when not given
 */
public record NotificationView(long id, Long incidentId, Long routeId, Long receiverId, String receiverName, String recipient, String event,
                               Integer escalationLevel, String state, int attempts, Instant createdAt, Instant sentAt,
                               Integer responseStatus, String lastError, String feedback) {
}
