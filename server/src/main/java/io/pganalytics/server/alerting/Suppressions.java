package io.pganalytics.server.alerting;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Silences and maintenance windows, as the evaluator asks of them (server.alerting.context: cached on each node, true
 * within seconds of a change on any node).
 */
public interface Suppressions {

    /** What holds an alert back: a silence or a maintenance window. */
    record Suppression(String kind, long sourceId) {
        public static final String SILENCE = "silence";
        public static final String MAINTENANCE = "maintenance";
    }

    /**
     * The silences and maintenance windows holding back, at {@code at}, an alert with these labels on this instance
     * ({@code instanceId} null: an alert bound to no instance); empty when none.
     */
    List<Suppression> at(Instant at, Long instanceId, Map<String, String> labels);
}
