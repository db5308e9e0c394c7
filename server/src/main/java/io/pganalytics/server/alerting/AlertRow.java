package io.pganalytics.server.alerting;

import io.pganalytics.common.alerting.AlertView;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An active alert (pending or firing) as the evaluator holds it while deciding one rule's transitions, with what this
 * evaluation changed (the flags), so that only changed rows are written.
 */
final class AlertRow {
    Long id;
    final long ruleId;
    final Long instanceId;
    final String fingerprint;
    String state;
    String severity;
    Map<String, String> labels;
    String summary;
    Double value;
    final Instant pendingSince;
    Instant firedAt;
    Instant resolvedAt;
    Instant lastEvaluatedAt;
    Instant escalatedAt;
    Long incidentId;
    boolean suppressed;
    boolean wasSuppressed;
    Long anomalyId;
    long version;

    // what this evaluation did
    boolean created;
    boolean deleted;
    boolean fired;
    boolean resolved;
    boolean escalated;
    boolean unsuppressed;
    boolean changed;
    List<Suppressions.Suppression> suppressions = List.of();

    AlertRow(Long id, long ruleId, Long instanceId, String fingerprint, String state, String severity, Map<String, String> labels,
             String summary, Double value, Instant pendingSince, Instant firedAt, Instant resolvedAt, Instant lastEvaluatedAt,
             Instant escalatedAt, Long incidentId, boolean suppressed, boolean wasSuppressed, Long anomalyId, long version) {
        this.id = id;
        this.ruleId = ruleId;
        this.instanceId = instanceId;
        this.fingerprint = fingerprint;
        this.state = state;
        this.severity = severity;
        this.labels = labels;
        this.summary = summary;
        this.value = value;
        this.pendingSince = pendingSince;
        this.firedAt = firedAt;
        this.resolvedAt = resolvedAt;
        this.lastEvaluatedAt = lastEvaluatedAt;
        this.escalatedAt = escalatedAt;
        this.incidentId = incidentId;
        this.suppressed = suppressed;
        this.wasSuppressed = wasSuppressed;
        this.anomalyId = anomalyId;
        this.version = version;
    }

    boolean firing() {
        return AlertView.FIRING.equals(state);
    }

    AlertView view() {
        return new AlertView(id == null ? 0 : id, ruleId, labels.get("alertname"), instanceId, labels.get("instance"), state, severity,
                labels, summary, value, pendingSince, firedAt, resolvedAt, incidentId, suppressed, wasSuppressed, anomalyId);
    }
}
