package io.pganalytics.server.anomaly.points;

import io.pganalytics.common.anomaly.DetectionSeriesInfo;
import io.pganalytics.common.catalog.Family;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.server.query.SeriesMetric;
import io.pganalytics.server.query.SeriesMetrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The series the detectors score (docs/ANOMALIES.md, "What is scored"): for each, the family it is read from and the
 * SQL that computes its value at one stored collection time from that family's raw rows (an aggregate over the rows
 * of that time, one per key). Series that a {@code /series} metric also charts take that metric's definition
 * ({@link SeriesMetrics}), so an expected band is in the unit of the chart it is drawn on.
 * <p>
 * Keyed series: {@code statement_latency_ms:<queryid>} (the top statements by total time of each read) and
 * {@code wait_backends:<class>} (one per wait-event class of {@link #WAIT_CLASSES}, every one at every wait sample).
 */
public final class DetectionCatalogue {
    /** The prefix of the per-statement latency series; the key is the statement's queryid. */
    public static final String STATEMENT_LATENCY_PREFIX = "statement_latency_ms:";
    /** The prefix of the per-class wait series; the key is a wait-event type of {@link #WAIT_CLASSES}. */
    public static final String WAIT_BACKENDS_PREFIX = "wait_backends:";
    /** The multivariate series: InstanceDetector over the instance's series together. */
    public static final String INSTANCE = "instance";
    /**
     * The wait-event types that mean a backend waits (pg_stat_activity.wait_event_type). {@code Activity} is an idle
     * loop and no type at all is a backend on CPU; neither is waiting.
     */
    public static final List<String> WAIT_CLASSES = List.of("Lock", "LWLock", "IO", "IPC", "BufferPin", "Client", "Timeout",
            "Extension");

    private static final Map<String, Definition> FIXED;

    static {
        List<Definition> all = new ArrayList<>();
        all.add(charted("tps"));
        all.add(charted("commits"));
        all.add(charted("rollbacks"));
        all.add(new Definition("statement_latency_ms", MetricCatalog.STATEMENTS,
                "sum(total_exec_time::float8) / nullif(sum(calls::float8), 0)",
                "mean latency of all statements (ms per call, pg_stat_statements)", "ms", null));
        all.add(charted("statement_calls"));
        all.add(charted("connections"));
        all.add(charted("active_connections"));
        all.add(charted("idle_in_transaction"));
        all.add(charted("lock_waiting_connections"));
        // No open transaction at all is a longest transaction of 0 s (the chart shows a gap there; a detector needs the 0).
        all.add(chartedOrZero("longest_transaction_seconds"));
        all.add(charted("deadlocks"));
        all.add(charted("cache_hit_ratio"));
        all.add(charted("temp_bytes"));
        all.add(charted("wal_bytes"));
        all.add(charted("checkpoints"));
        all.add(charted("checkpoints_requested"));
        // PostgreSQL shows no replay lag (NULL) for a standby that is caught up and idle: that is a lag of 0 s.
        all.add(chartedOrZero("replication_lag_seconds"));
        all.add(charted("replication_lag_bytes"));
        // Autovacuum workers report themselves 'active' for as long as they work, so the wait samples count every one
        // every 10 s, waiting or on CPU (the vacuum family is read per database, at a different time for each).
        all.add(new Definition("autovacuum_workers", MetricCatalog.WAIT_EVENTS,
                "coalesce(sum(backends) FILTER (WHERE backend_type = 'autovacuum worker'), 0)::float8",
                "autovacuum workers running", "workers", null));
        all.add(charted("host_cpu_busy_ratio"));
        all.add(charted("host_cpu_iowait_ratio"));
        all.add(charted("host_memory_used_ratio"));
        all.add(new Definition("host_disk_bytes", MetricCatalog.HOST_DISK,
                "sum((coalesce(read_bytes, 0) + coalesce(write_bytes, 0))::float8) / nullif(max(interval_seconds), 0)",
                "host disk bytes read and written per second, all devices", "bytes/s", null));
        all.add(charted("host_load1"));
        for (String waitClass : WAIT_CLASSES) {
            all.add(new Definition(WAIT_BACKENDS_PREFIX + waitClass, MetricCatalog.WAIT_EVENTS,
                    "coalesce(sum(backends) FILTER (WHERE wait_event_type = '" + waitClass + "'), 0)::float8",
                    waitLabel(waitClass), "backends", null));
        }
        Map<String, Definition> byName = new LinkedHashMap<>();
        all.forEach(d -> byName.put(d.series(), d));
        FIXED = java.util.Collections.unmodifiableMap(byName);
    }

    private DetectionCatalogue() {
    }

    /**
     * One series read from one family.
     *
     * @param series      its name
     * @param family      the family whose raw rows it is computed from
     * @param perTime     the SQL aggregate over the family's rows of one collection time; NULL where it has no value
     *                    (a zero denominator)
     * @param label       for a person
     * @param unit        its unit
     * @param chartMetric the {@code /series} metric of the chart that shows it, or null
     */
    record Definition(String series, Family family, String perTime, String label, String unit, String chartMetric) {
        DetectionSeriesInfo info() {
            return new DetectionSeriesInfo(series, label, unit, chartMetric);
        }
    }

    /** The fixed series (every wait class included) and the multivariate one, in catalogue order. */
    public static List<DetectionSeriesInfo> catalogue() {
        List<DetectionSeriesInfo> infos = new ArrayList<>();
        FIXED.values().forEach(d -> infos.add(d.info()));
        infos.add(new DetectionSeriesInfo(STATEMENT_LATENCY_PREFIX + "<queryid>",
                "mean latency of one of the top statements by total time (ms per call)", "ms", null));
        infos.add(instanceInfo());
        return List.copyOf(infos);
    }

    /** The names of the fixed univariate series, in catalogue order (each wait class included). */
    public static List<String> fixedSeries() {
        return List.copyOf(FIXED.keySet());
    }

    /**
     * A series' description; keyed series by their prefix with the key in the label. An unknown name (a series that
     * was retired after rows named it) gets a description that says so, never an exception.
     */
    public static DetectionSeriesInfo describe(String series) {
        if (series == null) {
            return new DetectionSeriesInfo(null, "unknown series", null, null);
        }
        Definition fixed = FIXED.get(series);
        if (fixed != null) {
            return fixed.info();
        }
        if (INSTANCE.equals(series)) {
            return instanceInfo();
        }
        if (series.startsWith(STATEMENT_LATENCY_PREFIX) && series.length() > STATEMENT_LATENCY_PREFIX.length()) {
            return new DetectionSeriesInfo(series, "mean latency of statement " + series.substring(STATEMENT_LATENCY_PREFIX.length())
                    + " (ms per call)", "ms", null);
        }
        if (series.startsWith(WAIT_BACKENDS_PREFIX) && series.length() > WAIT_BACKENDS_PREFIX.length()) {
            return new DetectionSeriesInfo(series, waitLabel(series.substring(WAIT_BACKENDS_PREFIX.length())), "backends", null);
        }
        return new DetectionSeriesInfo(series, "unknown series " + series + " (not scored by this version)", null, null);
    }

    /** The fixed series of each family, families in catalogue order. */
    static Map<Family, List<Definition>> byFamily() {
        Map<Family, List<Definition>> byFamily = new LinkedHashMap<>();
        FIXED.values().forEach(d -> byFamily.computeIfAbsent(d.family(), f -> new ArrayList<>()).add(d));
        return byFamily;
    }

    private static DetectionSeriesInfo instanceInfo() {
        return new DetectionSeriesInfo(INSTANCE, "the instance as a whole (its series together, multivariate)", "score", null);
    }

    private static String waitLabel(String waitClass) {
        return "backends waiting on " + waitClass + " (wait samples)";
    }

    /** A series defined as the {@code /series} metric of the same name, per stored time. */
    private static Definition charted(String metric) {
        SeriesMetric m = metric(metric);
        return new Definition(metric, m.family(), perTime(m), m.description(), m.unit(), m.name());
    }

    /** As {@link #charted}, a gauge maximum whose absence (no row with a value) means 0. */
    private static Definition chartedOrZero(String metric) {
        SeriesMetric m = metric(metric);
        if (m.kind() != SeriesMetric.Kind.GAUGE_MAX) {
            throw new IllegalStateException(metric + " is not a gauge maximum");
        }
        return new Definition(metric, m.family(), "coalesce(" + perTime(m) + ", 0)", m.description(), m.unit(), m.name());
    }

    private static SeriesMetric metric(String name) {
        Optional<SeriesMetric> metric = SeriesMetrics.byName(name);
        return metric.orElseThrow(() -> new IllegalStateException("no /series metric " + name));
    }

    /**
     * The metric's value at one stored time: the first level of {@link SeriesMetric} (over the family's keys) finished
     * for a single time (rates per second of the interval the deltas cover).
     */
    private static String perTime(SeriesMetric m) {
        String e = m.expression();
        return switch (m.kind()) {
            case RATE -> "sum((" + e + ")::float8) / nullif(max(interval_seconds), 0)";
            case COUNT -> "sum((" + e + ")::float8)";
            case RATIO -> "sum((" + e + ")::float8) / nullif(sum((" + m.denominator() + ")::float8), 0)";
            case GAUGE_SUM -> "sum((" + e + ")::float8)";
            case GAUGE_MAX -> "max((" + e + ")::float8)";
            case GAUGE_EXPRESSION -> "avg((" + e + ")::float8)";
        };
    }
}
