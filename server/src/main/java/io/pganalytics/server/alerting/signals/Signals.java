package io.pganalytics.server.alerting.signals;

import io.pganalytics.common.alerting.SignalInfo;
import io.pganalytics.common.catalog.Family;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.server.query.SeriesMetric;
import io.pganalytics.server.query.SeriesMetrics;
import io.pganalytics.server.series.SeriesSchema.Resolution;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The signals rules test (docs/ALERTING.md, "Signals"), as data: most are a value per stored time computed from one
 * family's rows ({@link PerTime}); four are computed otherwise ({@link Special}). The signals the anomaly detectors
 * also score take the same {@code /series} definitions ({@link SeriesMetrics}), so a rule, a chart and an anomaly
 * speak of the same number.
 */
final class Signals {
    /** 2^31: the transaction-ID distance at which PostgreSQL stops assigning IDs to prevent wraparound. */
    static final double XID_WRAPAROUND = 2147483648.0;
    /** The value of {@code filesystem_hours_to_full} for a file system that is not growing (ten years). */
    static final double NOT_FILLING_HOURS = 87_600;

    /**
     * SQL over an archiver row {@code r}: the seconds since the last archived segment when a completed segment is owed,
     * else 0 (archiving off, nothing owed, no segment name to compare). Every segment before {@code current_wal} is
     * complete; the one right after the last archived one (or the first of the next log file: the segments per log file
     * depend on wal_segment_size, which the sample does not carry) may still be being written.
     */
    private static final String ARCHIVE_LAG = """
            CASE WHEN NOT (r.archive_mode = 'always' OR (r.archive_mode = 'on' AND NOT coalesce(r.in_recovery, false)))
                      OR r.last_archived_time IS NULL OR r.current_wal IS NULL
                      OR r.last_archived_wal !~ '^[0-9A-F]{24}$' OR r.current_wal !~ '^[0-9A-F]{24}$' THEN 0
                 WHEN (('x' || substr(r.current_wal, 9, 8))::bit(32)::bigint, ('x' || substr(r.current_wal, 17, 8))::bit(32)::bigint)
                      > (('x' || substr(r.last_archived_wal, 9, 8))::bit(32)::bigint, ('x' || substr(r.last_archived_wal, 17, 8))::bit(32)::bigint + 1)
                  AND NOT (('x' || substr(r.current_wal, 9, 8))::bit(32)::bigint = ('x' || substr(r.last_archived_wal, 9, 8))::bit(32)::bigint + 1
                           AND ('x' || substr(r.current_wal, 17, 8))::bit(32)::bigint = 0)
                 THEN greatest(extract(epoch FROM r.collected_at - r.last_archived_time), 0)::float8
                 ELSE 0 END""";

    private static final Map<String, Signal> ALL;

    static {
        List<Signal> all = new ArrayList<>();
        for (String name : List.of("tps", "commits", "rollbacks")) {
            all.add(charted(name, false));
        }
        all.add(new PerTime(info("statement_latency_ms", "ms",
                "mean latency of all statements: execution time / calls (pg_stat_statements)"), MetricCatalog.STATEMENTS,
                "sum(total_exec_time::float8) AS n, sum(calls::float8) AS d", "sum(total_exec_time::float8) AS n, sum(calls::float8) AS d",
                "sum(n) / nullif(sum(d), 0)", false));
        for (String name : List.of("connections", "active_connections", "idle_in_transaction", "lock_waiting_connections")) {
            all.add(charted(name, false));
        }
        // No open transaction at all is a longest transaction of 0 s: a rule on it must see the 0 to resolve.
        all.add(charted("longest_transaction_seconds", true));
        for (String name : List.of("deadlocks", "cache_hit_ratio", "temp_bytes", "wal_bytes", "checkpoints", "checkpoints_requested")) {
            all.add(charted(name, false));
        }
        // PostgreSQL shows no replay lag (NULL) for a standby that is caught up and idle: that is a lag of 0 s.
        all.add(charted("replication_lag_seconds", true));
        all.add(charted("replication_lag_bytes", false));
        for (String name : List.of("host_cpu_busy_ratio", "host_cpu_iowait_ratio", "host_memory_used_ratio", "host_load1")) {
            all.add(charted(name, false));
        }

        all.add(new PerTime(info("collected", "1",
                "1 at each collection of the instance (its activity sample, every 10 s): absence of it means the instance "
                        + "is not being collected"), MetricCatalog.ACTIVITY, "1::float8 AS v", "1::float8 AS v", "max(v)", false));
        all.add(new Special(info("collector_silent_seconds", "seconds",
                "seconds since the instance's collector was last heard from (a batch or a heartbeat), one value at the "
                        + "time of the read"), Special.Kind.COLLECTOR_SILENT));
        all.add(new PerTime(info("connection_saturation_ratio", "ratio",
                "client backends / max_connections, 0..1"), MetricCatalog.INSTANCE,
                "max(connections::float8 / nullif(max_connections, 0)) AS v",
                "max(connections_max::float8 / nullif(max_connections_max, 0)) AS v", "max(v)", false));
        all.add(new PerTime(info("longest_idle_in_transaction_seconds", "seconds",
                "the longest time a session has been idle inside an open transaction (0 when none)"), MetricCatalog.ACTIVITY,
                "max(longest_idle_in_transaction_seconds::float8) AS v", "max(longest_idle_in_transaction_seconds_max::float8) AS v",
                "max(v)", true));
        all.add(new PerTime(info("longest_query_seconds", "seconds",
                "the longest-running statement (0 when none runs)"), MetricCatalog.ACTIVITY,
                "max(longest_query_seconds::float8) AS v", "max(longest_query_seconds_max::float8) AS v", "max(v)", true));
        all.add(new PerTime(info("xid_wraparound_ratio", "ratio",
                "the oldest datfrozenxid age over the instance's databases / 2^31: 1 is the wraparound stop"),
                MetricCatalog.DATABASE, "max(datfrozenxid_age::float8) / " + XID_WRAPAROUND + " AS v",
                "max(datfrozenxid_age_max::float8) / " + XID_WRAPAROUND + " AS v", "max(v)", false));
        all.add(new PerTime(info("replication_slot_retained_bytes", "bytes",
                "the most WAL any replication slot retains"), MetricCatalog.REPLICATION_SLOTS,
                "max(retained_wal_bytes::float8) AS v", "max(retained_wal_bytes_max::float8) AS v", "max(v)", false));
        all.add(new PerTime(info("replication_slots_inactive", "slots",
                "non-temporary replication slots that no consumer is connected to"), MetricCatalog.REPLICATION_SLOTS,
                "count(*) FILTER (WHERE NOT coalesce(active, true) AND NOT coalesce(temporary, false))::float8 AS v",
                "count(*) FILTER (WHERE NOT coalesce(active_last, true) AND NOT coalesce(temporary_last, false))::float8 AS v",
                "max(v)", false));
        all.add(new PerTime(info("replication_slots_lost", "slots",
                "replication slots whose wal_status is lost or unreserved (their consumer can no longer catch up)"),
                MetricCatalog.REPLICATION_SLOTS,
                "count(*) FILTER (WHERE wal_status IN ('lost', 'unreserved'))::float8 AS v",
                "count(*) FILTER (WHERE wal_status_last IN ('lost', 'unreserved'))::float8 AS v", "max(v)", false));
        // failed_count is sent cumulative: the failures of a sample are its count minus the previous sample's (within a
        // day, same statistics reset); the first sample after a gap or a reset has no value, nor has a count that went
        // down (d * nullif(sign(d), -1) is d, 0, or NULL for a negative d).
        String failures = "(r.failed_count - (SELECT p.failed_count FROM " + Resolution.RAW.table(MetricCatalog.ARCHIVER) + " p"
                + " WHERE p.instance_id = r.instance_id AND p.collected_at < r.collected_at"
                + " AND p.collected_at > r.collected_at - interval '1 day'"
                + " AND p.stats_reset IS NOT DISTINCT FROM r.stats_reset ORDER BY p.collected_at DESC LIMIT 1))";
        all.add(new PerTime(info("archive_failures", "count",
                "failed WAL archive attempts since the previous sample (pg_stat_archiver)"), MetricCatalog.ARCHIVER,
                "sum(" + failures + " * nullif(sign(" + failures + "), -1))::float8 AS n", null, "sum(n)", false));
        all.add(new PerTime(info("archive_lag_seconds", "seconds",
                "seconds since the last archived WAL segment while archiving is on and a completed segment waits to be "
                        + "archived (0 when nothing is owed)"), MetricCatalog.ARCHIVER, "max(" + ARCHIVE_LAG + ") AS v", null,
                "max(v)", false));
        all.add(new PerTime(info("filesystem_used_ratio", "ratio",
                "the fullest file system holding the data or WAL directory: used / (used + available), as df shows"),
                MetricCatalog.HOST_FILESYSTEM,
                "max(used_bytes::float8 / nullif(used_bytes + available_bytes, 0)) AS v",
                "max(used_bytes_max::float8 / nullif(used_bytes_max + available_bytes_min, 0)) AS v", "max(v)", false));
        all.add(new Special(info("filesystem_hours_to_full", "hours",
                "hours until the file system that fills first is full at its growth over the last 6 hours (a least-squares "
                        + "slope of its used bytes); " + (long) NOT_FILLING_HOURS + " when none grows"), Special.Kind.FILESYSTEM_HOURS_TO_FULL));
        all.add(new Special(info("statement_regression_ratio", "ratio",
                "the largest ratio, over statements with enough calls, of a statement's mean latency over the last hour to "
                        + "its mean latency over the 7 days before (pg_stat_statements)"), Special.Kind.STATEMENT_REGRESSION));
        Map<String, Signal> byName = new LinkedHashMap<>();
        all.forEach(s -> byName.put(s.info().name(), s));
        ALL = Collections.unmodifiableMap(byName);
    }

    private Signals() {
    }

    /** A signal and how it is read. */
    sealed interface Signal permits PerTime, Special {
        SignalInfo info();
    }

    /**
     * A value per stored time (or per step) from one family: {@code rawInner} aggregates the raw rows of one instance and
     * time (alias {@code r}) into {@code n}/{@code d} or {@code v}, {@code rollupInner} the same over rollup rows (null:
     * the family has no rollups, stepped reads use raw rows), {@code outer} makes the value from those over a step.
     *
     * @param zeroWhenEmpty a time whose rows give no value (a maximum over NULLs) counts as 0
     */
    record PerTime(SignalInfo info, Family family, String rawInner, String rollupInner, String outer, boolean zeroWhenEmpty)
            implements Signal {
    }

    /** A signal with a statement of its own ({@link SpecialReads}). */
    record Special(SignalInfo info, Kind kind) implements Signal {
        enum Kind { COLLECTOR_SILENT, FILESYSTEM_HOURS_TO_FULL, STATEMENT_REGRESSION }
    }

    static Map<String, Signal> all() {
        return ALL;
    }

    private static SignalInfo info(String name, String unit, String description) {
        return new SignalInfo(name, label(name), unit, description);
    }

    private static String label(String name) {
        String spaced = name.replace('_', ' ');
        return Character.toUpperCase(spaced.charAt(0)) + spaced.substring(1);
    }

    /** A signal defined as the {@code /series} metric of the same name. */
    private static PerTime charted(String name, boolean zeroWhenEmpty) {
        SeriesMetric m = SeriesMetrics.byName(name).orElseThrow(() -> new IllegalStateException("no /series metric " + name));
        return new PerTime(new SignalInfo(name, label(name), m.unit(), m.description()), m.family(), m.inner(Resolution.RAW),
                m.hasRollups() ? m.inner(Resolution.MINUTE) : null, m.outer(), zeroWhenEmpty);
    }
}
