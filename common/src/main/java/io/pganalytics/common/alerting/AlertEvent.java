package io.pganalytics.common.alerting;

/**
 * The data of the SSE event {@code alert} on {@code /api/v1/alerts/live} and an instance's live stream: an alert or an
 * incident changed.
 *
 * @param alert    the alert as it is now; null when the event is about an incident only
 * @param incident the incident as it is now (without its alerts); null when the alert has none
 */
public record AlertEvent(AlertView alert, IncidentView incident) {
}
