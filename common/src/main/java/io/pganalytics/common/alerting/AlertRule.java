package io.pganalytics.common.alerting;

import java.time.Instant;
import java.util.Map;

/**
 * {@code /api/v1/rules}: an alerting rule. On create and update the server reads everything but {@code id},
 * {@code packKey}, {@code sensitivityFactor}, {@code updatedBy}, {@code updatedAt}; {@code version} is checked on update
 * (409 when another change came first).
 *
 * @param id                the rule's id
 * @param name              the alert name ({@code ConnectionSaturation}: a letter, then letters, digits, {@code _})
 * @param description       why the rule exists and what to do when it fires
 * @param packKey           the default pack's key of the rule; null for an operator's rule
 * @param enabled           whether it is evaluated
 * @param severity          {@code info}, {@code warning} or {@code critical}
 * @param condition         what must hold
 * @param forDuration       how long it must hold before the alert fires ({@code 0s}, {@code 5m})
 * @param scope             which instances
 * @param labels            labels added to its alerts (routes match on them)
 * @param summary           a Mustache template of one line ({@code {{instance}}: {{value}} connections})
 * @param escalation        severity escalation; null for none
 * @param sensitivityFactor anomaly-based rules: the factor feedback has moved their threshold by (1 = as configured)
 * @param updatedBy         who changed it last
 * @param updatedAt         when
 * @param version           the optimistic-lock version
 */
public record AlertRule(Long id, String name, String description, String packKey, boolean enabled, String severity, Condition condition,
                        String forDuration, RuleScope scope, Map<String, String> labels, String summary, Escalation escalation,
                        double sensitivityFactor, String updatedBy, Instant updatedAt, long version) {

    public static final String INFO = "info";
    public static final String WARNING = "warning";
    public static final String CRITICAL = "critical";

    public AlertRule {
        scope = scope == null ? RuleScope.all() : scope;
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
}
