package io.pganalytics.server.alerting;

import io.pganalytics.common.alerting.AlertView;
import io.pganalytics.common.alerting.Escalation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The alert state machine of one rule (docs/ALERTING.md, "Alerts"): inactive (no row) -> pending (true) -> firing (true
 * for {@code for}) -> resolved (false once); a pending alert that turns false is deleted (it never fired); unknown
 * (a stale signal) keeps the state. Severity escalation and suppression marking are decided here too. Pure: the rows
 * given are changed in place and the changed ones returned; the store writes them.
 */
final class AlertStates {
    private final Suppressions suppressions;

    AlertStates(Suppressions suppressions) {
        this.suppressions = suppressions;
    }

    /**
     * @param current  the rule's active alerts by instance (changed in place)
     * @param verdicts the verdict of each evaluated instance; an active alert of an instance not evaluated and listed in
     *                 {@code gone} is treated as false (its instance left the scope, or the rule was disabled)
     */
    List<AlertRow> decide(CompiledRule rule, Map<Long, AlertRow> current, Map<Long, Verdict> verdicts,
                          Map<Long, InstanceDirectory.Instance> instances, java.util.Set<Long> gone, Instant now) {
        List<AlertRow> changed = new ArrayList<>();
        for (Map.Entry<Long, Verdict> e : verdicts.entrySet()) {
            InstanceDirectory.Instance instance = instances.get(e.getKey());
            AlertRow row = current.get(e.getKey());
            if (instance == null) {
                continue;
            }
            row = step(rule, row, instance, e.getValue(), now);
            if (row != null && (row.changed || row.created)) {
                changed.add(row);
            }
        }
        for (Long id : gone) {
            AlertRow row = current.get(id);
            if (row != null && !verdicts.containsKey(id)) {
                falseNow(row, now);
                changed.add(row);
            }
        }
        return changed;
    }

    private AlertRow step(CompiledRule rule, AlertRow row, InstanceDirectory.Instance instance, Verdict verdict, Instant now) {
        switch (verdict.outcome()) {
            case TRUE -> {
                if (row == null) {
                    Map<String, String> labels = Fingerprints.labels(rule, instance, rule.rule().severity());
                    row = new AlertRow(null, rule.id(), instance.id(), Fingerprints.of(rule.id(), labels), AlertView.PENDING,
                            rule.rule().severity(), labels, "", verdict.value(), now, null, null, now, null, null, false, false,
                            verdict.anomalyId(), 0);
                    row.created = true;
                } else if (!Objects.equals(row.value, verdict.value()) || !Objects.equals(row.anomalyId, verdict.anomalyId())) {
                    row.value = verdict.value();
                    row.anomalyId = verdict.anomalyId();
                    row.changed = true;
                }
                if (AlertView.PENDING.equals(row.state) && !now.isBefore(row.pendingSince.plus(rule.forDuration()))) {
                    row.state = AlertView.FIRING;
                    row.firedAt = now;
                    row.fired = true;
                    row.changed = true;
                }
            }
            case FALSE -> {
                if (row == null) {
                    return null;
                }
                falseNow(row, now);
                return row;
            }
            case UNKNOWN -> {
                if (row == null) {
                    return null;
                }
            }
        }
        escalate(rule, row, now);
        mark(row, now);
        String summary = Summaries.render(rule.summary(), row.labels, row.value);
        if (!summary.equals(row.summary)) {
            row.summary = summary;
            row.changed = true;
        }
        row.lastEvaluatedAt = now;
        return row;
    }

    private static void falseNow(AlertRow row, Instant now) {
        if (row.firing()) {
            row.state = AlertView.RESOLVED;
            row.resolvedAt = now;
            row.resolved = true;
        } else {
            row.deleted = true;
        }
        row.lastEvaluatedAt = now;
        row.changed = true;
    }

    /** Raises a firing alert's severity once: after it fired for {@code after}, or when its value passes {@code above}. */
    private static void escalate(CompiledRule rule, AlertRow row, Instant now) {
        Escalation e = rule.rule().escalation();
        if (e == null || !row.firing() || row.escalatedAt != null || Severities.rank(e.to()) <= Severities.rank(row.severity)) {
            return;
        }
        boolean late = rule.escalateAfter() != null && !now.isBefore(row.firedAt.plus(rule.escalateAfter()));
        boolean beyond = e.above() != null && row.value != null
                && (Conditions.lowerIsWorse(rule.rule().condition()) ? row.value < e.above() : row.value > e.above());
        if (late || beyond) {
            row.severity = e.to();
            row.labels = new java.util.HashMap<>(row.labels);
            row.labels.put("severity", e.to());
            row.escalatedAt = now;
            row.escalated = true;
            row.changed = true;
        }
    }

    /** Marks the alert suppressed while a silence or maintenance window holds it back. */
    private void mark(AlertRow row, Instant now) {
        row.suppressions = suppressions.at(now, row.instanceId, row.labels);
        boolean suppressed = !row.suppressions.isEmpty();
        if (suppressed != row.suppressed) {
            row.unsuppressed = row.suppressed && !suppressed;
            row.suppressed = suppressed;
            row.changed = true;
        }
        if (suppressed) {
            row.wasSuppressed = true;
            row.changed = true; // the suppression's last_at moves
        }
    }
}
