package io.pganalytics.server.query;

import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.common.query.IndexStat;
import io.pganalytics.common.query.TableStat;
import io.pganalytics.server.series.SeriesSchema.Resolution;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static io.pganalytics.server.query.Reads.bind;
import static io.pganalytics.server.query.Reads.boolOrNull;
import static io.pganalytics.server.query.Reads.instantOrNull;
import static io.pganalytics.server.query.Reads.longOrNull;

/**
 * The SQL of tables and indexes: each object's latest raw snapshot in the day before the range's end (sizes, tuples,
 * vacuum times), joined to its scans summed over the range from the resolution the planner chose.
 */
final class ObjectRepository {

    enum TableOrder {
        TOTAL_BYTES("total_bytes DESC NULLS LAST"), SEQ_SCAN("seq_scan DESC NULLS LAST"), IDX_SCAN("idx_scan DESC NULLS LAST"),
        DEAD_TUPLES("n_dead_tup DESC NULLS LAST"), ROWS_WRITTEN("rows_written DESC NULLS LAST"), NAME("datname, schemaname, relname");

        final String sql;

        TableOrder(String sql) {
            this.sql = sql;
        }

        String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    enum IndexOrder {
        SIZE_BYTES("size_bytes DESC NULLS LAST"), IDX_SCAN("idx_scan DESC NULLS LAST"), NAME("datname, schemaname, relname, indexrelname");

        final String sql;

        IndexOrder(String sql) {
            this.sql = sql;
        }

        String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    record Page<T>(List<T> items, long total) {
    }

    Page<TableStat> tables(Connection c, long id, Resolution resolution, TimeRange range, Instant latestFrom, String database,
                           TableOrder order, int offset, int limit) throws SQLException {
        String time = resolution.timeColumn();
        String sql = """
                WITH latest AS (
                    SELECT DISTINCT ON (datname, schemaname, relname) datname, schemaname, relname, collected_at, n_live_tup,
                           n_dead_tup, greatest(last_vacuum, last_autovacuum) AS last_vacuum,
                           greatest(last_analyze, last_autoanalyze) AS last_analyze, table_bytes, indexes_bytes, total_bytes
                    FROM ts.tables
                    WHERE instance_id = ? AND collected_at >= ? AND collected_at < ? AND (?::text IS NULL OR datname = ?::text)
                    ORDER BY datname, schemaname, relname, collected_at DESC),
                scans AS (
                    SELECT datname, schemaname, relname, sum(seq_scan) AS seq_scan, sum(seq_tup_read) AS seq_tup_read,
                           sum(idx_scan) AS idx_scan,
                           sum(coalesce(n_tup_ins, 0) + coalesce(n_tup_upd, 0) + coalesce(n_tup_del, 0)) AS rows_written
                    FROM %s
                    WHERE instance_id = ? AND %s >= ? AND %s < ? AND (?::text IS NULL OR datname = ?::text)
                    GROUP BY datname, schemaname, relname)
                SELECT l.*, s.seq_scan, s.seq_tup_read, s.idx_scan, s.rows_written, count(*) OVER () AS total
                FROM latest l LEFT JOIN scans s USING (datname, schemaname, relname)
                ORDER BY %s, datname, schemaname, relname LIMIT ? OFFSET ?
                """.formatted(resolution.table(MetricCatalog.TABLES), time, time, order.sql);
        List<TableStat> items = new ArrayList<>();
        long total = 0;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, id, latestFrom, range.to(), database, database, id, range.from(), range.to(), database, database, limit, offset);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    total = rs.getLong("total");
                    items.add(new TableStat(rs.getString("datname"), rs.getString("schemaname"), rs.getString("relname"),
                            instantOrNull(rs, "collected_at"), longOrNull(rs, "seq_scan"), longOrNull(rs, "seq_tup_read"),
                            longOrNull(rs, "idx_scan"), longOrNull(rs, "rows_written"), longOrNull(rs, "n_live_tup"),
                            longOrNull(rs, "n_dead_tup"), instantOrNull(rs, "last_vacuum"), instantOrNull(rs, "last_analyze"),
                            longOrNull(rs, "table_bytes"), longOrNull(rs, "indexes_bytes"), longOrNull(rs, "total_bytes")));
                }
            }
        }
        if (items.isEmpty() && offset > 0) {
            total = count(c, "SELECT count(*) FROM (SELECT DISTINCT datname, schemaname, relname FROM ts.tables"
                    + " WHERE instance_id = ? AND collected_at >= ? AND collected_at < ? AND (?::text IS NULL OR datname = ?::text)) o",
                    id, latestFrom, range.to(), database, database);
        }
        return new Page<>(items, total);
    }

    /**
     * Indexes; {@code unused}: no scan in the range although the range holds at least one interval for the index, and
     * neither unique nor primary (those enforce constraints whether scanned or not).
     */
    Page<IndexStat> indexes(Connection c, long id, Resolution resolution, TimeRange range, Instant latestFrom, String database,
                            boolean unusedOnly, IndexOrder order, int offset, int limit) throws SQLException {
        String time = resolution.timeColumn();
        String sql = """
                WITH latest AS (
                    SELECT DISTINCT ON (datname, schemaname, relname, indexrelname) datname, schemaname, relname, indexrelname,
                           collected_at, size_bytes, is_valid, is_unique, is_primary, last_idx_scan
                    FROM ts.indexes
                    WHERE instance_id = ? AND collected_at >= ? AND collected_at < ? AND (?::text IS NULL OR datname = ?::text)
                    ORDER BY datname, schemaname, relname, indexrelname, collected_at DESC),
                scans AS (
                    SELECT datname, schemaname, relname, indexrelname, sum(idx_scan) AS idx_scan, count(idx_scan) AS intervals
                    FROM %s
                    WHERE instance_id = ? AND %s >= ? AND %s < ? AND (?::text IS NULL OR datname = ?::text)
                    GROUP BY datname, schemaname, relname, indexrelname),
                joined AS (
                    SELECT l.*, s.idx_scan,
                           coalesce(s.intervals, 0) > 0 AND s.idx_scan = 0 AND NOT coalesce(l.is_unique, false)
                               AND NOT coalesce(l.is_primary, false) AS unused
                    FROM latest l LEFT JOIN scans s USING (datname, schemaname, relname, indexrelname))
                SELECT j.*, count(*) OVER () AS total FROM joined j
                WHERE NOT ?::boolean OR unused
                ORDER BY %s, datname, schemaname, relname, indexrelname LIMIT ? OFFSET ?
                """.formatted(resolution.table(MetricCatalog.INDEXES), time, time, order.sql);
        List<IndexStat> items = new ArrayList<>();
        long total = 0;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, id, latestFrom, range.to(), database, database, id, range.from(), range.to(), database, database,
                    unusedOnly, limit, offset);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    total = rs.getLong("total");
                    items.add(new IndexStat(rs.getString("datname"), rs.getString("schemaname"), rs.getString("relname"),
                            rs.getString("indexrelname"), instantOrNull(rs, "collected_at"), longOrNull(rs, "idx_scan"),
                            longOrNull(rs, "size_bytes"), boolOrNull(rs, "is_valid"), boolOrNull(rs, "is_unique"),
                            boolOrNull(rs, "is_primary"), instantOrNull(rs, "last_idx_scan"), rs.getBoolean("unused")));
                }
            }
        }
        if (items.isEmpty() && offset > 0) {
            // beyond the last page: the first row of the first page carries the total
            total = indexes(c, id, resolution, range, latestFrom, database, unusedOnly, order, 0, 1).total();
        }
        return new Page<>(items, total);
    }

    private static long count(Connection c, String sql, Object... values) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, values);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
