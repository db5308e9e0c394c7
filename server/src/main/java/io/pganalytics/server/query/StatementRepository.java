package io.pganalytics.server.query;

import io.pganalytics.server.crypto.Sealer;
import io.pganalytics.server.series.StatementTexts;

import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.common.query.QueryPoint;
import io.pganalytics.common.query.QueryStat;
import io.pganalytics.common.query.WaitSample;
import io.pganalytics.server.series.SeriesSchema.Resolution;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.pganalytics.server.query.Reads.bind;

/**
 * The SQL of statements (pg_stat_statements deltas joined to their texts) and wait events. Deltas are summed over the
 * range from the resolution the planner chose; the collector's "other" row (queryid 0) is kept apart.
 */
final class StatementRepository {
    private final Sealer sealer;

    /** @param sealer opens the texts ingest sealed ({@code encryption.statement-texts}); texts stored as they are need none */
    StatementRepository(Sealer sealer) {
        this.sealer = sealer;
    }

    /** The orders of {@code /queries/top}, each a SQL expression over the aggregated statement row. */
    enum Order {
        TOTAL_TIME("total_time"), CALLS("calls"), MEAN_TIME("total_time / nullif(calls, 0)"), ROWS("rows_"), IO("io");

        final String sql;

        Order(String sql) {
            this.sql = sql;
        }

        String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static String aggregate(Resolution resolution, String extraWhere) {
        String time = resolution.timeColumn();
        String datname = resolution == Resolution.RAW ? "datname" : "datname_last";
        return """
                SELECT dbid, queryid, max(%s) AS datname, coalesce(sum(calls), 0) AS calls,
                       coalesce(sum(total_exec_time), 0) AS total_time, coalesce(sum(rows), 0) AS rows_,
                       coalesce(sum(shared_blks_hit), 0) AS shared_blks_hit, coalesce(sum(shared_blks_read), 0) AS shared_blks_read,
                       coalesce(sum(shared_blks_dirtied), 0) AS shared_blks_dirtied,
                       coalesce(sum(shared_blks_written), 0) AS shared_blks_written,
                       coalesce(sum(temp_blks_read), 0) AS temp_blks_read, coalesce(sum(temp_blks_written), 0) AS temp_blks_written,
                       coalesce(sum(coalesce(shared_blks_read, 0) + coalesce(local_blks_read, 0) + coalesce(temp_blks_read, 0)
                                    + coalesce(temp_blks_written, 0)), 0) AS io,
                       coalesce(sum(shared_blk_read_time), 0) AS blk_read_time,
                       coalesce(sum(shared_blk_write_time), 0) AS blk_write_time, coalesce(sum(wal_bytes), 0) AS wal_bytes
                FROM %s
                WHERE instance_id = ? AND %s >= ? AND %s < ?%s
                GROUP BY dbid, queryid
                """.formatted(datname, resolution.table(MetricCatalog.STATEMENTS), time, time, extraWhere);
    }

    /** A page of statements by {@code order}, descending, and how many there are in all. */
    record TopPage(List<QueryStat> items, long total, QueryStat other) {
    }

    TopPage top(Connection c, long id, Resolution resolution, TimeRange range, Order order, int offset, int limit, int excerpt)
            throws SQLException {
        String sql = "WITH s AS (" + aggregate(resolution, "") + ")\n"
                + "SELECT s.*, coalesce(t.datname, s.datname) AS db_name, left(t.query, ?) AS text, length(t.query) > ? AS truncated,"
                + " t.query_sealed, count(*) OVER () AS total\n"
                + "FROM s LEFT JOIN ts.statement_text t ON t.instance_id = ? AND t.dbid = s.dbid AND t.queryid = s.queryid\n"
                + "WHERE s.queryid <> 0\n"
                + "ORDER BY " + order.sql + " DESC NULLS LAST, s.queryid, s.dbid LIMIT ? OFFSET ?";
        List<QueryStat> items = new ArrayList<>();
        long total = -1;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, id, range.from(), range.to(), excerpt, excerpt, id, limit, offset);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    items.add(opened(stat(rs), rs.getBytes("query_sealed"), id, excerpt));
                    total = rs.getLong("total");
                }
            }
        }
        if (total < 0) {
            try (PreparedStatement ps = c.prepareStatement("WITH s AS (" + aggregate(resolution, "")
                    + ") SELECT count(*) FROM s WHERE queryid <> 0")) {
                bind(ps, id, range.from(), range.to());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    total = rs.getLong(1);
                }
            }
        }
        QueryStat other = null;
        try (PreparedStatement ps = c.prepareStatement("WITH s AS (" + aggregate(resolution, " AND queryid = 0") + ")\n"
                + "SELECT 0::bigint AS dbid, 0::bigint AS queryid, null AS db_name, '(other statements)' AS text, false AS truncated,"
                + " sum(calls) AS calls, sum(total_time) AS total_time, sum(rows_) AS rows_, sum(shared_blks_hit) AS shared_blks_hit,"
                + " sum(shared_blks_read) AS shared_blks_read, sum(shared_blks_dirtied) AS shared_blks_dirtied,"
                + " sum(shared_blks_written) AS shared_blks_written, sum(temp_blks_read) AS temp_blks_read,"
                + " sum(temp_blks_written) AS temp_blks_written, sum(io) AS io, sum(blk_read_time) AS blk_read_time,"
                + " sum(blk_write_time) AS blk_write_time, sum(wal_bytes) AS wal_bytes FROM s HAVING count(*) > 0")) {
            bind(ps, id, range.from(), range.to());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    other = stat(rs);
                }
            }
        }
        return new TopPage(items, total, other);
    }

    /** One statement's totals over the range (all databases when {@code dbid} is null), or empty without calls. */
    Optional<QueryStat> totals(Connection c, long id, long queryid, Long dbid, Resolution resolution, TimeRange range, int excerpt)
            throws SQLException {
        String filter = " AND queryid = ?" + (dbid == null ? "" : " AND dbid = ?");
        String sql = "WITH s AS (" + aggregate(resolution, filter) + ")\n"
                + "SELECT min(s.dbid) AS dbid, s.queryid, min(s.datname) AS db_name, null AS text, false AS truncated,"
                + " sum(calls) AS calls, sum(total_time) AS total_time, sum(rows_) AS rows_, sum(shared_blks_hit) AS shared_blks_hit,"
                + " sum(shared_blks_read) AS shared_blks_read, sum(shared_blks_dirtied) AS shared_blks_dirtied,"
                + " sum(shared_blks_written) AS shared_blks_written, sum(temp_blks_read) AS temp_blks_read,"
                + " sum(temp_blks_written) AS temp_blks_written, sum(io) AS io, sum(blk_read_time) AS blk_read_time,"
                + " sum(blk_write_time) AS blk_write_time, sum(wal_bytes) AS wal_bytes FROM s GROUP BY s.queryid";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, dbid == null ? new Object[]{id, range.from(), range.to(), queryid}
                    : new Object[]{id, range.from(), range.to(), queryid, dbid});
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(stat(rs)) : Optional.empty();
            }
        }
    }

    /** A statement's text: the lowest dbid's when {@code dbid} is null. */
    record Text(long dbid, String datname, String query) {
    }

    Optional<Text> text(Connection c, long id, long queryid, Long dbid) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT dbid, datname, query, query_sealed FROM ts.statement_text"
                + " WHERE instance_id = ? AND queryid = ?" + (dbid == null ? "" : " AND dbid = ?") + " ORDER BY dbid LIMIT 1")) {
            bind(ps, dbid == null ? new Object[]{id, queryid} : new Object[]{id, queryid, dbid});
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                long textDbid = rs.getLong("dbid");
                byte[] sealed = rs.getBytes("query_sealed");
                String query = sealed == null ? rs.getString("query") : open(id, textDbid, queryid, sealed);
                return Optional.of(new Text(textDbid, rs.getString("datname"), query));
            }
        }
    }

    List<QueryPoint> timeline(Connection c, long id, long queryid, Long dbid, Resolution resolution, TimeRange range, long step)
            throws SQLException {
        String time = resolution.timeColumn();
        String sql = "SELECT floor(extract(epoch FROM " + time + ") / ?)::bigint AS slot, coalesce(sum(calls), 0) AS calls,"
                + " coalesce(sum(total_exec_time), 0) AS total_time, coalesce(sum(rows), 0) AS rows_,"
                + " coalesce(sum(shared_blks_read), 0) AS shared_blks_read"
                + " FROM " + resolution.table(MetricCatalog.STATEMENTS)
                + " WHERE instance_id = ? AND queryid = ?" + (dbid == null ? "" : " AND dbid = ?")
                + " AND " + time + " >= ? AND " + time + " < ? GROUP BY slot ORDER BY slot";
        List<QueryPoint> points = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, dbid == null ? new Object[]{step, id, queryid, range.from(), range.to()}
                    : new Object[]{step, id, queryid, dbid, range.from(), range.to()});
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long calls = rs.getLong("calls");
                    double totalTime = rs.getDouble("total_time");
                    points.add(new QueryPoint(Instant.ofEpochSecond(rs.getLong("slot") * step), calls, totalTime,
                            calls == 0 ? null : totalTime / calls, rs.getLong("rows_"), rs.getLong("shared_blks_read")));
                }
            }
        }
        return points;
    }

    /**
     * A top-list row whose text was sealed: opened here and cut to the excerpt in Java (the SQL's {@code left} and
     * {@code length} see only the bytes of a sealed text).
     */
    private QueryStat opened(QueryStat stat, byte[] sealed, long instanceId, int excerpt) {
        if (sealed == null) {
            return stat;
        }
        String query = open(instanceId, stat.dbid(), stat.queryid(), sealed);
        int length = query.codePointCount(0, query.length());
        String text = length <= excerpt ? query : query.substring(0, query.offsetByCodePoints(0, excerpt));
        return new QueryStat(stat.queryid(), stat.dbid(), stat.datname(), text, length > excerpt, stat.calls(), stat.totalTimeMs(),
                stat.meanTimeMs(), stat.rows(), stat.sharedBlksHit(), stat.sharedBlksRead(), stat.sharedBlksDirtied(),
                stat.sharedBlksWritten(), stat.tempBlksRead(), stat.tempBlksWritten(), stat.ioBlocks(), stat.blkReadTimeMs(),
                stat.blkWriteTimeMs(), stat.walBytes());
    }

    private String open(long instanceId, long dbid, long queryid, byte[] sealed) {
        return sealer.openText(StatementTexts.SEALED.context(StatementTexts.rowKey(instanceId, dbid, queryid)), sealed);
    }

    private static QueryStat stat(ResultSet rs) throws SQLException {
        long calls = rs.getLong("calls");
        double totalTime = rs.getDouble("total_time");
        return new QueryStat(rs.getLong("queryid"), rs.getLong("dbid"), rs.getString("db_name"), rs.getString("text"),
                rs.getBoolean("truncated"), calls, totalTime, calls == 0 ? null : totalTime / calls, rs.getLong("rows_"),
                rs.getLong("shared_blks_hit"), rs.getLong("shared_blks_read"), rs.getLong("shared_blks_dirtied"),
                rs.getLong("shared_blks_written"), rs.getLong("temp_blks_read"), rs.getLong("temp_blks_written"),
                rs.getLong("io"), rs.getDouble("blk_read_time"), rs.getDouble("blk_write_time"), rs.getLong("wal_bytes"));
    }

    /**
     * The samples taken in a range, which the averages divide by: a sample where nothing waited and nothing ran leaves
     * no wait-event row, so they are counted from the activity family, sampled at the same interval with a row per
     * database at every sample (per rollup bucket: the most samples of any database). Never fewer than the samples
     * that have wait events (activity may be missing where an older collector sent none).
     */
    private static String sampleCountSql(Resolution resolution, String perTimeWaits) {
        String activity = resolution.table(MetricCatalog.ACTIVITY);
        String time = resolution.timeColumn();
        if (resolution == Resolution.RAW) {
            return "SELECT greatest((SELECT count(DISTINCT collected_at) FROM " + activity
                    + " WHERE instance_id = ? AND collected_at >= ? AND collected_at < ?),"
                    + " (SELECT count(DISTINCT t) FROM (" + perTimeWaits + ") e))";
        }
        return "SELECT coalesce(sum(greatest(a.n, w.n)), 0) FROM (SELECT " + time + " AS t, max(samples) AS n FROM " + activity
                + " WHERE instance_id = ? AND " + time + " >= ? AND " + time + " < ? GROUP BY 1) a"
                + " FULL JOIN (SELECT t, max(n) AS n FROM (" + perTimeWaits + ") e GROUP BY t) w USING (t)";
    }

    /** Wait events of a range, most waited-on first, and the number of samples the averages divide by. */
    record Waits(long sampleCount, List<WaitSample> items) {
    }

    Waits waits(Connection c, long id, Resolution resolution, TimeRange range, int limit) throws SQLException {
        String table = resolution.table(MetricCatalog.WAIT_EVENTS);
        String time = resolution.timeColumn();
        boolean raw = resolution == Resolution.RAW;
        // Per stored time and event: backends summed over databases and backend types (raw), or backend-samples and
        // the sample count of the bucket (rollups: avg x samples restores the sum).
        String perTime = raw
                ? "SELECT collected_at AS t, coalesce(wait_event_type, 'CPU') AS type, coalesce(wait_event, 'CPU') AS event,"
                + " sum(backends)::float8 AS total, sum(backends) AS peak, 1 AS n FROM " + table
                : "SELECT bucket AS t, coalesce(wait_event_type, 'CPU') AS type, coalesce(wait_event, 'CPU') AS event,"
                + " sum(backends_avg * samples) AS total, sum(backends_max) AS peak, max(samples) AS n FROM " + table;
        String where = " WHERE instance_id = ? AND " + time + " >= ? AND " + time + " < ? GROUP BY 1, 2, 3";
        long sampleCount;
        try (PreparedStatement ps = c.prepareStatement(sampleCountSql(resolution, perTime + where))) {
            bind(ps, id, range.from(), range.to(), id, range.from(), range.to());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                sampleCount = rs.getLong(1);
            }
        }
        List<WaitSample> items = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT type, event, sum(total) AS total, max(peak) AS peak, sum(n) AS samples"
                + " FROM (" + perTime + where + ") e GROUP BY type, event ORDER BY total DESC NULLS LAST, type, event LIMIT ?")) {
            bind(ps, id, range.from(), range.to(), limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    double total = rs.getDouble("total");
                    items.add(new WaitSample(rs.getString("type"), rs.getString("event"),
                            sampleCount == 0 ? 0 : total / sampleCount, rs.getLong("peak"), rs.getLong("samples")));
                }
            }
        }
        return new Waits(sampleCount, items);
    }
}
