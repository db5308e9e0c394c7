package io.pganalytics.common.alerting;

import io.pganalytics.common.anomaly.AnomalyHint;
import java.time.Instant;
import java.util.List;

/**
 * {@code /api/v1/incidents}: alerts that belong together (by default, an instance's alerts while any fires): the unit
 * that is notified, acknowledged, escalated and resolved.
 *
 * @param id               the incident's id
 * @param groupKey         what groups its alerts ({@code instance:42})
 * @param instanceId       its instance; null when grouped otherwise
 * @param instanceName     its name
 * @param state            {@code open}, {@code acknowledged} or {@code resolved}
 * @param severity         the highest severity of its alerts
 * @param title            one line
 * @param openedAt         when its first alert fired
 * @param acknowledgedAt   when acknowledged; null if not
 * @param acknowledgedBy   by whom
 * @param resolvedAt       when resolved (all alerts resolved, or by hand)
 * @param resolvedBy       who resolved it by hand; null when its alerts resolved
 * @param escalationLevel  the escalation policy's level reached (0 = first)
 * @param nextEscalationAt when the next level is notified unless acknowledged; null when none
 * @param hints            root-cause hints of the anomalies of its instance around its start
 * @param alerts           its alerts (in a list: the firing ones only; in one incident: all)
 * @param feedback         {@code useful} or {@code noise}; null when not given
 * @param feedbackBy       who gave it
 */
public record IncidentView(long id, String groupKey, Long instanceId, String instanceName, String state, String severity, String title,
                           Instant openedAt, Instant acknowledgedAt, String acknowledgedBy, Instant resolvedAt, String resolvedBy,
                           int escalationLevel, Instant nextEscalationAt, List<AnomalyHint> hints, List<AlertView> alerts,
                           String feedback, String feedbackBy) {

    public static final String OPEN = "open";
    public static final String ACKNOWLEDGED = "acknowledged";
    public static final String RESOLVED = "resolved";

    public IncidentView {
        hints = hints == null ? List.of() : List.copyOf(hints);
        alerts = alerts == null ? List.of() : List.copyOf(alerts);
    }
}
