package io.pganalytics.server.ingest;

import io.pganalytics.common.catalog.Family;
import io.pganalytics.common.catalog.MetricCatalog;

import java.time.Instant;

/**
 * Feeds one snapshot's rows into its target's {@link KeyFigures} and inventory: which databases exist, the server's
 * version and role, and the dashboard figures. Families that feed nothing cost one comparison per row.
 */
final class FigureCollector {
    private final Family family;
    private final Instant at;
    private final DecodedBatch.TargetPart part;
    private final KeyFigures figures;
    private final boolean active;

    FigureCollector(Family family, Instant at, Double interval, DecodedBatch.TargetPart part) {
        this.family = family;
        this.at = at;
        this.part = part;
        this.figures = part.figures();
        if (family == MetricCatalog.DATABASE) {
            if (interval != null) {
                figures.databaseSnapshot(interval);
            }
            active = true;
        } else if (family == MetricCatalog.WAIT_EVENTS) {
            active = true;
        } else if (family == MetricCatalog.ACTIVITY || family == MetricCatalog.INSTANCE || family == MetricCatalog.REPLICATION
                || family == MetricCatalog.REPLICATION_SLOTS || family == MetricCatalog.WAL_RECEIVER || family == MetricCatalog.LOCKS
                || family == MetricCatalog.HOST_CPU || family == MetricCatalog.HOST_MEMORY || family == MetricCatalog.COLLECTOR_HEALTH) {
            active = figures.begin(family.name(), at);
        } else {
            active = false;
        }
    }

    void row(Object[] values) {
        if (!active) {
            return;
        }
        switch (family.name()) {
            case "database" -> {
                String datname = (String) get(values, "datname");
                if (datname != null) {
                    part.databases().add(datname);
                }
                figures.databaseRow(number(values, "xact_commit"), number(values, "xact_rollback"), number(values, "blks_hit"),
                        number(values, "blks_read"), number(values, "deadlocks"), number(values, "conflicts"), number(values, "temp_bytes"));
            }
            case "activity" -> {
                figures.add("activity", "connections", number(values, "total"));
                figures.add("activity", "active_connections", number(values, "active"));
                figures.add("activity", "idle_in_transaction", number(values, "idle_in_transaction"));
                figures.add("activity", "waiting_connections", number(values, "waiting"));
                figures.add("activity", "lock_waiting_connections", number(values, "lock_waiting"));
                figures.max("activity", "longest_transaction_seconds", number(values, "longest_transaction_seconds"));
                figures.max("activity", "longest_query_seconds", number(values, "longest_query_seconds"));
            }
            case "instance" -> {
                Boolean recovery = (Boolean) get(values, "in_recovery");
                Long versionNum = (Long) get(values, "server_version_num");
                part.instanceState((String) get(values, "server_version"), versionNum, recovery);
                figures.set("instance", "max_connections", number(values, "max_connections"));
                figures.set("instance", "uptime_seconds", number(values, "uptime_seconds"));
                if (recovery != null) {
                    figures.set("instance", "in_recovery", recovery ? 1 : 0);
                }
            }
            case "replication" -> {
                figures.add("replication", "replicas", 1);
                figures.max("replication", "replication_lag_seconds", number(values, "replay_lag_seconds"));
                figures.max("replication", "replication_lag_bytes", number(values, "replay_lag_bytes"));
            }
            case "wal_receiver" -> figures.set("wal_receiver", "standby_replay_delay_seconds", number(values, "replay_delay_seconds"));
            case "replication_slots" -> {
                figures.max("replication_slots", "slot_retained_wal_bytes", number(values, "retained_wal_bytes"));
                if (Boolean.FALSE.equals(get(values, "active"))) {
                    figures.add("replication_slots", "inactive_slots", 1);
                }
            }
            case "locks" -> {
                figures.add("locks", "blocked_sessions", 1);
                figures.max("locks", "longest_lock_wait_seconds", number(values, "wait_seconds"));
            }
            case "wait_events" -> {
                Object type = get(values, "wait_event_type");
                Object event = get(values, "wait_event");
                String name = type == null ? "CPU" : type + ":" + (event == null ? "?" : event);
                figures.waits(at, name, (long) number(values, "backends"));
            }
            case "host_cpu" -> {
                double busy = number(values, "user_seconds") + number(values, "nice_seconds") + number(values, "system_seconds")
                        + number(values, "irq_seconds") + number(values, "softirq_seconds") + number(values, "steal_seconds");
                double total = busy + number(values, "idle_seconds") + number(values, "iowait_seconds");
                if (total > 0) {
                    figures.set("host_cpu", "host_cpu_busy_ratio", busy / total);
                }
                figures.set("host_cpu", "host_cpus", number(values, "cpus"));
            }
            case "host_memory" -> {
                double total = number(values, "total_bytes");
                if (total > 0) {
                    figures.set("host_memory", "host_memory_used_ratio", 1 - number(values, "available_bytes") / total);
                    figures.set("host_memory", "host_memory_total_bytes", total);
                }
            }
            case "collector_health" -> {
                if ("collector".equals(get(values, "family"))) {
                    if (get(values, "spool_depth") != null) {
                        figures.set("collector_health", "collector_spool_depth", number(values, "spool_depth"));
                    }
                    if (get(values, "errors") != null) {
                        figures.set("collector_health", "collector_errors", number(values, "errors"));
                    }
                }
            }
            default -> {
            }
        }
    }

    private Object get(Object[] values, String column) {
        return values[family.indexOf(column)];
    }

    private double number(Object[] values, String column) {
        return get(values, column) instanceof Number n ? n.doubleValue() : 0;
    }
}
