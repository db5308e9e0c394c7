package io.pganalytics.server.alerting.signals;

import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.server.alerting.SignalSource.Point;
import io.pganalytics.server.series.SeriesSchema.Resolution;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.pganalytics.server.alerting.signals.SqlSignalSource.collect;
import static io.pganalytics.server.alerting.signals.SqlSignalSource.ranked;
import static io.pganalytics.server.alerting.signals.SqlSignalSource.utc;

/**
 * The signals that are not a value per stored time of one family, each one statement over every instance of the read.
 */
final class SpecialReads {
    /** A statement counts for {@code statement_regression_ratio} with at least this many calls in the last hour... */
    static final int REGRESSION_MIN_RECENT_CALLS = 50;
    /** ... and this many in the 7 days before it ... */
    static final int REGRESSION_MIN_BASELINE_CALLS = 500;
    /** ... and a mean latency of at least this many ms in the last hour (faster statements are not worth a page). */
    static final double REGRESSION_MIN_RECENT_MS = 1.0;

    /**
     * Seconds since the collector of each instance was last heard from: a batch for the instance (its last_seen_at) or
     * the collector's heartbeat, whichever is newer. One value, at {@code to}.
     */
    private static final String COLLECTOR_SILENT = """
            SELECT i.id AS instance_id, floor(extract(epoch FROM ?::timestamptz))::bigint AS at,
                   greatest(extract(epoch FROM ?::timestamptz - greatest(i.last_seen_at, c.last_seen_at)), 0)::float8 AS value
            FROM monitored_instance i LEFT JOIN collector c ON c.id::text = i.collector_id
            WHERE i.id = ANY (?) AND ? > 0
            """;

    /**
     * Hours until full per file system: available bytes at its newest sample in the read / the least-squares growth of
     * its used bytes over the 6 hours up to {@code to}; the instance's value is its smallest, at its newest sample.
     */
    private static final String HOURS_TO_FULL = """
            WITH r AS (
                SELECT instance_id, path, collected_at, used_bytes::float8 AS used, available_bytes::float8 AS available
                FROM %1$s
                WHERE instance_id = ANY (?) AND collected_at > ?::timestamptz - interval '6 hours' AND collected_at <= ?),
            latest AS (
                SELECT DISTINCT ON (instance_id, path) instance_id, path, collected_at, available FROM r
                ORDER BY instance_id, path, collected_at DESC),
            growth AS (
                SELECT instance_id, path, regr_slope(used, extract(epoch FROM collected_at)) AS per_second, count(*) AS samples
                FROM r GROUP BY 1, 2),
            per_instance AS (
                SELECT l.instance_id, floor(extract(epoch FROM max(l.collected_at)))::bigint AS at,
                       min(CASE WHEN g.per_second > 0 AND g.samples >= 3
                                THEN least(l.available / (g.per_second * 3600), %2$s) ELSE %2$s END)::float8 AS value
                FROM latest l JOIN growth g USING (instance_id, path)
                WHERE l.collected_at > ?
                GROUP BY l.instance_id)
            """;

    /**
     * Stepped: the same over the 1-hour rollups, each bucket's growth over itself and the 6 buckets before it, the
     * smallest value of each step.
     */
    private static final String HOURS_TO_FULL_STEPPED = """
            WITH r AS (
                SELECT instance_id, path, bucket, used_bytes_avg AS used, available_bytes_last::float8 AS available
                FROM %1$s
                WHERE instance_id = ANY (?) AND bucket > ?::timestamptz - interval '6 hours' AND bucket <= ?),
            w AS (
                SELECT instance_id, bucket, available,
                       regr_slope(used, extract(epoch FROM bucket)) OVER growth AS per_second, count(*) OVER growth AS samples
                FROM r WINDOW growth AS (PARTITION BY instance_id, path ORDER BY bucket ROWS BETWEEN 6 PRECEDING AND CURRENT ROW)),
            per_instance AS (
                SELECT instance_id, (floor(extract(epoch FROM bucket))::bigint / %3$d) * %3$d AS at,
                       min(CASE WHEN per_second > 0 AND samples >= 3
                                THEN least(available / (per_second * 3600), %2$s) ELSE %2$s END)::float8 AS value
                FROM w WHERE bucket > ?
                GROUP BY 1, 2)
            """;

    /**
     * Per statement (database and queryid, over users): mean latency over the hour up to {@code to} (raw rows) / mean
     * latency over the 7 days before that hour (1-hour rollups); the instance's value is the largest, at {@code to}.
     */
    private static final String REGRESSION = """
            WITH recent AS (
                SELECT instance_id, dbid, queryid, sum(total_exec_time)::float8 / sum(calls) AS mean
                FROM %1$s
                WHERE instance_id = ANY (?) AND collected_at > ?::timestamptz - interval '1 hour' AND collected_at <= ?
                  AND queryid <> 0
                GROUP BY 1, 2, 3
                HAVING sum(calls) >= %3$d AND sum(total_exec_time)::float8 / sum(calls) >= %5$s),
            baseline AS (
                SELECT instance_id, dbid, queryid, sum(total_exec_time)::float8 / sum(calls) AS mean
                FROM %2$s
                WHERE instance_id = ANY (?) AND bucket >= date_trunc('hour', ?::timestamptz) - interval '7 days 1 hour'
                  AND bucket < date_trunc('hour', ?::timestamptz) - interval '1 hour' AND queryid <> 0
                GROUP BY 1, 2, 3
                HAVING sum(calls) >= %4$d),
            per_instance AS (
                SELECT r.instance_id, floor(extract(epoch FROM ?::timestamptz))::bigint AS at, max(r.mean / nullif(b.mean, 0)) AS value
                FROM recent r JOIN baseline b USING (instance_id, dbid, queryid)
                WHERE ? > 0
                GROUP BY 1)
            """;

    private SpecialReads() {
    }

    static void read(Connection c, Signals.Special.Kind kind, Array ids, Instant from, Instant to, Duration step, int max,
                     Map<Long, List<Point>> values) throws SQLException {
        switch (kind) {
            case COLLECTOR_SILENT -> {
                try (PreparedStatement ps = c.prepareStatement("WITH per_instance AS (" + COLLECTOR_SILENT + ")\n"
                        + ranked("per_instance"))) {
                    ps.setObject(1, utc(to));
                    ps.setObject(2, utc(to));
                    ps.setArray(3, ids);
                    ps.setInt(4, max);
                    ps.setInt(5, max);
                    collect(ps, values);
                }
            }
            case FILESYSTEM_HOURS_TO_FULL -> {
                String sql = step == null
                        ? HOURS_TO_FULL.formatted(Resolution.RAW.table(MetricCatalog.HOST_FILESYSTEM), Signals.NOT_FILLING_HOURS)
                        : HOURS_TO_FULL_STEPPED.formatted(Resolution.HOUR.table(MetricCatalog.HOST_FILESYSTEM),
                        Signals.NOT_FILLING_HOURS, Math.max(3600, step.toSeconds()));
                try (PreparedStatement ps = c.prepareStatement(sql + ranked("per_instance"))) {
                    ps.setArray(1, ids);
                    ps.setObject(2, utc(from));
                    ps.setObject(3, utc(to));
                    ps.setObject(4, utc(from));
                    ps.setInt(5, max);
                    collect(ps, values);
                }
            }
            case STATEMENT_REGRESSION -> {
                String sql = REGRESSION.formatted(Resolution.RAW.table(MetricCatalog.STATEMENTS),
                        Resolution.HOUR.table(MetricCatalog.STATEMENTS), REGRESSION_MIN_RECENT_CALLS,
                        REGRESSION_MIN_BASELINE_CALLS, REGRESSION_MIN_RECENT_MS);
                try (PreparedStatement ps = c.prepareStatement(sql + ranked("per_instance"))) {
                    ps.setArray(1, ids);
                    ps.setObject(2, utc(to));
                    ps.setObject(3, utc(to));
                    ps.setArray(4, ids);
                    ps.setObject(5, utc(to));
                    ps.setObject(6, utc(to));
                    ps.setObject(7, utc(to));
                    ps.setInt(8, max);
                    ps.setInt(9, max);
                    collect(ps, values);
                }
            }
        }
    }
}
