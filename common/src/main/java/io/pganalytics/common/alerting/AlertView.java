package io.pganalytics.common.alerting;

import java.time.Instant;
import java.util.Map;

/**
 * {@code /api/v1/alerts}: one episode of one rule on one instance (or label set).
 *
 * @param id             the alert's id
 * @param ruleId         its rule
 * @param ruleName       the rule's name (the {@code alertname} label)
 * @param instanceId     the instance; null for a rule not bound to one
 * @param instanceName   its name
 * @param state          {@code pending}, {@code firing} or {@code resolved}
 * @param severity       its severity now (after escalation)
 * @param labels         every label: the rule's, the instance's and {@code alertname}, {@code instance}, {@code severity}
 * @param summary        the rendered summary
 * @param value          the value that made the condition hold (latest); null for absence
 * @param pendingSince   when the condition began to hold
 * @param firedAt        when it fired; null while pending
 * @param resolvedAt     when it resolved; null while active
 * @param incidentId     its incident; null while pending
 * @param suppressed     held back now by a silence or maintenance window
 * @param wasSuppressed  held back at some time
 * @param anomalyId      the anomaly behind an anomaly-based alert
 */
public record AlertView(long id, long ruleId, String ruleName, Long instanceId, String instanceName, String state, String severity,
                        Map<String, String> labels, String summary, Double value, Instant pendingSince, Instant firedAt,
                        Instant resolvedAt, Long incidentId, boolean suppressed, boolean wasSuppressed, Long anomalyId) {

    public static final String PENDING = "pending";
    public static final String FIRING = "firing";
    public static final String RESOLVED = "resolved";

    public AlertView {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
}
