package io.pganalytics.server.anomaly.hints;

import io.pganalytics.common.anomaly.AnomalyHint;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Vacuum in the window, per table: runs in progress (vacuum family: a row with a phase is pg_stat_progress_vacuum),
 * runs completed (tables family: the vacuum and autovacuum counters' deltas) and dead tuples piling up (tables family:
 * {@code n_dead_tup} from its first to its last snapshot in the window). One hint per table.
 *
 * <p>Magnitude, the largest of: a run in progress 0.5 + 0.5 x min(1, heap blocks / 1,000,000) (a big table's vacuum
 * weighs more); completed runs 0.4 + 0.1 per run (at most 0.7); dead tuples grown by at least {@link #MIN_DEAD_GROWTH}
 * and by 10 % of the live ones: their growth over the live tuples (equal is 1). The hint's moment is the first run seen;
 * dead tuples alone give none (when they began to pile up is not known).
 */
final class VacuumHints {
    static final int MAX_TABLES = 20;
    static final long MIN_DEAD_GROWTH = 10_000;

    private static final String RUNNING = """
            SELECT datname, schemaname, relname, min(collected_at) AS first_at, max(collected_at) AS last_at,
                   (array_agg(phase ORDER BY collected_at DESC))[1] AS phase, max(heap_blks_total) AS heap_blks_total,
                   max(heap_blks_scanned) AS heap_blks_scanned
            FROM ts.vacuum
            WHERE instance_id = ? AND collected_at >= ? AND collected_at <= ? AND phase IS NOT NULL
            GROUP BY datname, schemaname, relname
            ORDER BY max(heap_blks_total) DESC NULLS LAST, datname, schemaname, relname
            LIMIT ?
            """;

    private static final String TABLES = """
            WITH t AS (
                SELECT datname, schemaname, relname, coalesce(sum(autovacuum_count), 0) AS autovacuums,
                       coalesce(sum(vacuum_count), 0) AS vacuums,
                       min(collected_at) FILTER (WHERE autovacuum_count > 0 OR vacuum_count > 0) AS vacuumed_at,
                       (array_agg(n_dead_tup ORDER BY collected_at) FILTER (WHERE n_dead_tup IS NOT NULL))[1] AS dead_first,
                       (array_agg(n_dead_tup ORDER BY collected_at DESC) FILTER (WHERE n_dead_tup IS NOT NULL))[1] AS dead_last,
                       max(n_live_tup) AS live
                FROM ts.tables
                WHERE instance_id = ? AND collected_at >= ? AND collected_at <= ?
                GROUP BY datname, schemaname, relname)
            SELECT * FROM t
            WHERE autovacuums + vacuums > 0 OR (dead_last - dead_first >= ? AND dead_last - dead_first >= 0.1 * coalesce(live, 0))
            ORDER BY autovacuums + vacuums DESC, dead_last - dead_first DESC NULLS LAST, datname, schemaname, relname
            LIMIT ?
            """;

    private static final class Table {
        final String datname;
        final String schemaname;
        final String relname;
        final List<String> facts = new ArrayList<>();
        double magnitude;
        Instant at;

        Table(String datname, String schemaname, String relname) {
            this.datname = datname;
            this.schemaname = schemaname;
            this.relname = relname;
        }

        void add(String fact, double weight, Instant when) {
            facts.add(fact);
            magnitude = Math.max(magnitude, weight);
            if (when != null && (at == null || when.isBefore(at))) {
                at = when;
            }
        }
    }

    List<Found> find(Connection c, long instanceId, Instant from, Instant to) throws SQLException {
        Map<String, Table> tables = new LinkedHashMap<>();
        try (PreparedStatement ps = Rows.prepare(c, RUNNING, instanceId, from, to, MAX_TABLES); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Table table = table(tables, rs);
                Long total = Rows.longOrNull(rs, "heap_blks_total");
                Long scanned = Rows.longOrNull(rs, "heap_blks_scanned");
                String progress = total != null && total > 0 && scanned != null
                        ? String.format(Locale.ROOT, ", %.0f %% of %,d heap blocks scanned", 100.0 * scanned / total, total) : "";
                table.add("vacuum running (" + rs.getString("phase") + progress + ")",
                        0.5 + 0.5 * Ranking.clamp((total == null ? 0 : total) / 1_000_000.0), Rows.instant(rs, "first_at"));
            }
        }
        try (PreparedStatement ps = Rows.prepare(c, TABLES, instanceId, from, to, MIN_DEAD_GROWTH, MAX_TABLES);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Table table = table(tables, rs);
                long autovacuums = rs.getLong("autovacuums");
                long vacuums = rs.getLong("vacuums");
                if (autovacuums + vacuums > 0) {
                    table.add(runs(autovacuums, "autovacuum") + (autovacuums > 0 && vacuums > 0 ? " and " : "")
                            + runs(vacuums, "vacuum") + " completed", Math.min(0.7, 0.4 + 0.1 * (autovacuums + vacuums)),
                            Rows.instant(rs, "vacuumed_at"));
                }
                Long first = Rows.longOrNull(rs, "dead_first");
                Long last = Rows.longOrNull(rs, "dead_last");
                Long live = Rows.longOrNull(rs, "live");
                if (first != null && last != null && last - first >= MIN_DEAD_GROWTH
                        && last - first >= 0.1 * (live == null ? 0 : live)) {
                    table.add(String.format(Locale.ROOT, "dead tuples %,d -> %,d", first, last),
                            (double) (last - first) / Math.max(1, live == null ? 0 : live), null);
                }
            }
        }
        List<Found> found = new ArrayList<>();
        for (Table table : tables.values()) {
            if (!table.facts.isEmpty()) {
                String name = table.schemaname + "." + table.relname;
                found.add(new Found(AnomalyHint.AUTOVACUUM, table.datname + "." + name, String.join("; ", table.facts),
                        "table:" + table.datname + "." + name, table.magnitude, table.at));
            }
        }
        return found;
    }

    private static String runs(long count, String what) {
        return count == 0 ? "" : count + " " + what + (count == 1 ? " run" : " runs");
    }

    private static Table table(Map<String, Table> tables, ResultSet rs) throws SQLException {
        String datname = rs.getString("datname");
        String schemaname = rs.getString("schemaname");
        String relname = rs.getString("relname");
        return tables.computeIfAbsent(datname + "\u0000" + schemaname + "\u0000" + relname,
                k -> new Table(datname, schemaname, relname));
    }
}
