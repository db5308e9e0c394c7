package io.pganalytics.tools.bench;

import java.util.List;

/**
 * The incident types the suite plants, each with the detection series that count as catching it (a keyed series
 * matches by its prefix: {@code statement_latency_ms} covers {@code statement_latency_ms:<queryid>}).
 */
enum Incident {
    QUERY_REGRESSION("query-regression", "query regression after a plan change (the hot query's index dropped)",
            List.of("statement_latency_ms")),
    LOCK_STORM("lock-storm", "lock storm (a transaction holds a row lock, many sessions wait)",
            List.of("lock_waiting_connections", "wait_backends:Lock", "longest_transaction_seconds", "idle_in_transaction",
                    "active_connections")),
    CONNECTION_LEAK("connection-leak", "connection leak (sessions opened and left idle, growing)",
            List.of("connections")),
    REPLICATION_LAG("replication-lag", "replication lag (the standby's replay paused)",
            List.of("replication_lag_seconds", "replication_lag_bytes")),
    CHECKPOINT_STORM("checkpoint-storm", "checkpoint storm (CHECKPOINT every second under heavy writes)",
            List.of("checkpoints", "checkpoints_requested", "wal_bytes")),
    AUTOVACUUM_BEHIND("autovacuum-behind", "autovacuum falling behind (throttled to a crawl under mass updates)",
            List.of("autovacuum_workers"));

    private final String id;
    private final String description;
    private final List<String> series;

    Incident(String id, String description, List<String> series) {
        this.id = id;
        this.description = description;
        this.series = series;
    }

    String id() {
        return id;
    }

    String description() {
        return description;
    }

    List<String> series() {
        return series;
    }

    /** Whether an anomaly on {@code series} counts as catching this incident. */
    boolean relevant(String detectionSeries) {
        for (String name : series) {
            if (detectionSeries.equals(name) || detectionSeries.startsWith(name + ":")) {
                return true;
            }
        }
        return false;
    }

    static Incident byId(String id) {
        for (Incident incident : values()) {
            if (incident.id.equals(id)) {
                return incident;
            }
        }
        throw new IllegalArgumentException("unknown incident '" + id + "'; known: "
                + java.util.Arrays.stream(values()).map(Incident::id).toList());
    }
}
