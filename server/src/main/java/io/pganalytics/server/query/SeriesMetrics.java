package io.pganalytics.server.query;

import io.pganalytics.common.catalog.Family;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.common.query.SeriesMetricInfo;
import io.pganalytics.server.query.SeriesMetric.Kind;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The metrics {@code /series} serves: data, one line each (docs/API.md lists them). Public for the anomaly detectors
 * ({@code server.anomaly.points}), which score the same definitions per stored time so that a band fits its chart.
 */
public final class SeriesMetrics {
    private static final String CPU_BUSY = "user_seconds + nice_seconds + system_seconds + irq_seconds + softirq_seconds + steal_seconds";

    private static final List<SeriesMetric> ALL = List.of(
            rate("tps", "1/s", "transactions (commits + rollbacks) per second", MetricCatalog.DATABASE, "xact_commit + xact_rollback"),
            count("transactions", "transactions (commits + rollbacks) in each step", MetricCatalog.DATABASE, "xact_commit + xact_rollback"),
            rate("commits", "1/s", "commits per second", MetricCatalog.DATABASE, "xact_commit"),
            rate("rollbacks", "1/s", "rollbacks per second", MetricCatalog.DATABASE, "xact_rollback"),
            ratio("cache_hit_ratio", "shared buffer hits / (hits + reads)", MetricCatalog.DATABASE, "blks_hit", "blks_hit + blks_read"),
            rate("blks_read", "blocks/s", "blocks read from outside shared buffers per second", MetricCatalog.DATABASE, "blks_read"),
            rate("blks_hit", "blocks/s", "shared buffer hits per second", MetricCatalog.DATABASE, "blks_hit"),
            rate("tup_returned", "rows/s", "rows returned by scans per second", MetricCatalog.DATABASE, "tup_returned"),
            rate("tup_fetched", "rows/s", "rows fetched by index scans per second", MetricCatalog.DATABASE, "tup_fetched"),
            rate("tup_inserted", "rows/s", "rows inserted per second", MetricCatalog.DATABASE, "tup_inserted"),
            rate("tup_updated", "rows/s", "rows updated per second", MetricCatalog.DATABASE, "tup_updated"),
            rate("tup_deleted", "rows/s", "rows deleted per second", MetricCatalog.DATABASE, "tup_deleted"),
            rate("temp_bytes", "bytes/s", "bytes written to temporary files per second", MetricCatalog.DATABASE, "temp_bytes"),
            count("temp_files", "temporary files created in each step", MetricCatalog.DATABASE, "temp_files"),
            count("deadlocks", "deadlocks detected in each step", MetricCatalog.DATABASE, "deadlocks"),
            count("conflicts", "queries cancelled by recovery conflicts in each step", MetricCatalog.DATABASE, "conflicts"),
            gaugeSum("database_size_bytes", "bytes", "size of all databases", MetricCatalog.DATABASE, "size_bytes"),
            gaugeSum("connections", "connections", "client backends", MetricCatalog.ACTIVITY, "total"),
            gaugeSum("active_connections", "connections", "client backends running a statement", MetricCatalog.ACTIVITY, "active"),
            gaugeSum("idle_in_transaction", "connections", "client backends idle in a transaction", MetricCatalog.ACTIVITY, "idle_in_transaction"),
            gaugeSum("waiting_connections", "connections", "client backends waiting on an event", MetricCatalog.ACTIVITY, "waiting"),
            gaugeSum("lock_waiting_connections", "connections", "client backends waiting on a lock", MetricCatalog.ACTIVITY, "lock_waiting"),
            gaugeMax("longest_transaction_seconds", "seconds", "the oldest open transaction", MetricCatalog.ACTIVITY, "longest_transaction_seconds"),
            gaugeMax("longest_query_seconds", "seconds", "the longest-running statement", MetricCatalog.ACTIVITY, "longest_query_seconds"),
            gaugeMax("max_connections", "connections", "the max_connections setting", MetricCatalog.INSTANCE, "max_connections"),
            rate("wal_bytes", "bytes/s", "WAL generated per second", MetricCatalog.WAL, "wal_bytes"),
            rate("wal_records", "1/s", "WAL records per second", MetricCatalog.WAL, "wal_records"),
            count("checkpoints", "checkpoints (timed and requested) in each step", MetricCatalog.BGWRITER, "checkpoints_timed + checkpoints_req"),
            count("checkpoints_requested", "requested (not timed) checkpoints in each step", MetricCatalog.BGWRITER, "checkpoints_req"),
            rate("buffers_written", "buffers/s", "buffers written by checkpoints, the background writer and backends per second",
                    MetricCatalog.BGWRITER, "coalesce(buffers_checkpoint, 0) + coalesce(buffers_clean, 0) + coalesce(buffers_backend, 0)"),
            rate("statement_calls", "1/s", "statement executions per second (pg_stat_statements)", MetricCatalog.STATEMENTS, "calls"),
            rate("statement_time", "ms/s", "statement execution time per second (pg_stat_statements)", MetricCatalog.STATEMENTS, "total_exec_time"),
            gaugeMax("replication_lag_seconds", "seconds", "the largest replay lag of the standbys (raw data only)", MetricCatalog.REPLICATION, "replay_lag_seconds"),
            gaugeMax("replication_lag_bytes", "bytes", "the largest replay lag in bytes (raw data only)", MetricCatalog.REPLICATION, "replay_lag_bytes"),
            gaugeMax("slot_retained_wal_bytes", "bytes", "the most WAL a replication slot retains", MetricCatalog.REPLICATION_SLOTS, "retained_wal_bytes"),
            ratio("host_cpu_busy_ratio", "host CPU time not idle or waiting for I/O, 0..1", MetricCatalog.HOST_CPU,
                    CPU_BUSY, CPU_BUSY + " + idle_seconds + iowait_seconds"),
            ratio("host_cpu_iowait_ratio", "host CPU time waiting for I/O, 0..1", MetricCatalog.HOST_CPU,
                    "iowait_seconds", CPU_BUSY + " + idle_seconds + iowait_seconds"),
            new SeriesMetric("host_memory_used_ratio", "ratio", "host memory not available, 0..1", MetricCatalog.HOST_MEMORY,
                    Kind.GAUGE_EXPRESSION, "1 - available_bytes::float8 / nullif(total_bytes, 0)",
                    "1 - available_bytes_avg / nullif(total_bytes_avg, 0)"),
            gaugeSum("host_load1", "load", "the 1-minute load average", MetricCatalog.HOST_LOAD, "load1"));

    private static final Map<String, SeriesMetric> BY_NAME;

    static {
        Map<String, SeriesMetric> byName = new LinkedHashMap<>();
        ALL.forEach(m -> byName.put(m.name(), m));
        BY_NAME = java.util.Collections.unmodifiableMap(byName);
    }

    private SeriesMetrics() {
    }

    public static Optional<SeriesMetric> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    static List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }

    static List<SeriesMetricInfo> infos() {
        return ALL.stream().map(m -> new SeriesMetricInfo(m.name(), m.unit(), m.description(), m.family().name())).toList();
    }

    private static SeriesMetric rate(String name, String unit, String description, Family family, String counters) {
        return new SeriesMetric(name, unit, description, family, Kind.RATE, counters, null);
    }

    private static SeriesMetric count(String name, String description, Family family, String counters) {
        return new SeriesMetric(name, "count", description, family, Kind.COUNT, counters, null);
    }

    private static SeriesMetric ratio(String name, String description, Family family, String numerator, String denominator) {
        return new SeriesMetric(name, "ratio", description, family, Kind.RATIO, numerator, denominator);
    }

    private static SeriesMetric gaugeSum(String name, String unit, String description, Family family, String column) {
        return new SeriesMetric(name, unit, description, family, Kind.GAUGE_SUM, column, null);
    }

    private static SeriesMetric gaugeMax(String name, String unit, String description, Family family, String column) {
        return new SeriesMetric(name, unit, description, family, Kind.GAUGE_MAX, column, null);
    }
}
