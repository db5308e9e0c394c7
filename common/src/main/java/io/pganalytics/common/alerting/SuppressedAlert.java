package io.pganalytics.common.alerting;

import java.time.Instant;

/**
 * An alert a silence or maintenance window held back.
 *
 * @param alert    the alert as it is now
 * @param kind     {@code silence} or {@code maintenance}
 * @param sourceId the silence's or window's id
 * @param firstAt  when it was first held back
 * @param lastAt   when it was last held back
 */
public record SuppressedAlert(AlertView alert, String kind, long sourceId, Instant firstAt, Instant lastAt) {
}
