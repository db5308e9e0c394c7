package io.pganalytics.server.alerting;

import io.pganalytics.common.alerting.AlertRule;
import io.pganalytics.common.alerting.AlertView;
import io.pganalytics.server.metrics.MetricsRegistry;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The evaluator's Prometheus figures: {@code pganalytics_alerts{state,severity}} (the active alerts of the rules this
 * node evaluates, as of its last full round: summed over the nodes, the cluster's), rounds by kind with their duration,
 * instances evaluated, and transitions by the state reached.
 */
final class AlertFigures {
    private static final List<String> STATES = List.of(AlertView.PENDING, AlertView.FIRING);
    private static final List<String> SEVERITIES = List.of(AlertRule.INFO, AlertRule.WARNING, AlertRule.CRITICAL);

    private final AtomicReference<Map<String, Integer>> owned = new AtomicReference<>(Map.of());
    private final MetricsRegistry.Counter rounds;
    private final MetricsRegistry.Histogram duration;
    private final MetricsRegistry.Counter evaluations;
    private final MetricsRegistry.Counter transitions;

    AlertFigures(MetricsRegistry metrics) {
        metrics.gauge("pganalytics_alerts", "Active alerts (pending, firing) of the rules this node evaluates, by severity",
                new String[]{"state", "severity"}, this::alerts);
        rounds = metrics.counter("pganalytics_alert_evaluation_rounds_total", "Alert evaluation rounds by kind (full, ingest)", "kind");
        duration = metrics.histogram("pganalytics_alert_evaluation_seconds", "Duration of an alert evaluation round",
                MetricsRegistry.latencyBuckets(), "kind");
        evaluations = metrics.counter("pganalytics_alert_evaluations_total", "Rule-instance pairs evaluated");
        transitions = metrics.counter("pganalytics_alert_transitions_total", "Alert state changes by the state reached", "to");
    }

    private Map<List<String>, Double> alerts() {
        Map<List<String>, Double> out = new HashMap<>();
        Map<String, Integer> now = owned.get();
        for (String state : STATES) {
            for (String severity : SEVERITIES) {
                out.put(List.of(state, severity), (double) now.getOrDefault(state + "|" + severity, 0));
            }
        }
        return out;
    }

    void owned(Map<String, Integer> countsByStateAndSeverity) {
        owned.set(Map.copyOf(countsByStateAndSeverity));
    }

    void round(String kind, double seconds, int evaluated) {
        rounds.inc(kind);
        duration.observe(seconds, kind);
        evaluations.add(evaluated);
    }

    void transition(AlertRow row) {
        if (row.deleted) {
            transitions.inc("inactive");
        } else if (row.fired) {
            transitions.inc(AlertView.FIRING);
        } else if (row.resolved) {
            transitions.inc(AlertView.RESOLVED);
        } else if (row.created) {
            transitions.inc(AlertView.PENDING);
        }
    }
}
