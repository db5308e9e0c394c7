package io.pganalytics.server.anomaly.hints;

import io.pganalytics.common.anomaly.AnomalyHint;
import io.pganalytics.server.anomaly.HintFinder.Context;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Statements whose time grew in the window against a baseline of the same length just before it (raw statements
 * family: deltas per collection), and statements first seen in the window (no statistics in the lookback before it).
 *
 * <p>The mean after is the mean since the statement's onset (its first sample in the window slower than 1.5 times its
 * baseline mean), else over the window. Magnitude of a grown statement: half from its mean-time ratio ({@code log10(ratio) / 2}: x100 is 1), half from its
 * share of the time all grown statements added; 0.5 for the ratio half when it had no baseline. A statement counts as
 * grown when it added time and its mean grew 1.5 times, or it added a quarter of all the added time. Magnitude of a new
 * statement: 0.25 plus its share of the window's statement time.
 */
final class StatementHints {
    /** The statements read per window, by added time (the anomalous statement always among them). */
    static final int MAX_STATEMENTS = 50;
    /** How far back a statement must be absent to count as new. */
    static final Duration NEW_LOOKBACK = Duration.ofHours(24);
    private static final double GREW = 1.5;

    private static final String GROWTH = """
            WITH w AS (
                SELECT queryid, sum(calls) AS calls, sum(total_exec_time) AS total,
                       min(collected_at) FILTER (WHERE calls > 0) AS first_at
                FROM ts.statements
                WHERE instance_id = ? AND collected_at >= ? AND collected_at <= ? AND queryid <> 0
                GROUP BY queryid),
            b AS (
                SELECT queryid, sum(calls) AS calls, sum(total_exec_time) AS total
                FROM ts.statements
                WHERE instance_id = ? AND collected_at >= ? AND collected_at < ? AND queryid <> 0
                GROUP BY queryid),
            onset AS (
                SELECT s.queryid, min(s.collected_at) AS at
                FROM ts.statements s JOIN b ON b.queryid = s.queryid AND b.calls > 0
                WHERE s.instance_id = ? AND s.collected_at >= ? AND s.collected_at <= ? AND s.calls > 0
                  AND s.total_exec_time / s.calls > ? * b.total / b.calls
                GROUP BY s.queryid),
            since AS (
                SELECT s.queryid, sum(s.calls) AS calls, sum(s.total_exec_time) AS total
                FROM ts.statements s JOIN onset ON onset.queryid = s.queryid
                WHERE s.instance_id = ? AND s.collected_at >= ? AND s.collected_at <= ? AND s.collected_at >= onset.at
                GROUP BY s.queryid)
            SELECT w.queryid, w.calls, w.total, w.first_at, b.calls AS base_calls, b.total AS base_total, onset.at AS onset,
                   since.calls AS since_calls, since.total AS since_total,
                   w.total - coalesce(b.total, 0) AS added, sum(w.total) OVER () AS window_total
            FROM w LEFT JOIN b USING (queryid) LEFT JOIN onset USING (queryid) LEFT JOIN since USING (queryid)
            WHERE w.calls > 0
            ORDER BY (w.queryid = ?) DESC, w.total - coalesce(b.total, 0) DESC, w.queryid
            LIMIT ?
            """;

    private record Row(long queryid, long calls, double total, Instant firstAt, long baseCalls, double baseTotal, Instant onset,
                       long sinceCalls, double sinceTotal, double added, double windowTotal) {
        double mean() {
            return total / calls;
        }

        /** The mean since it grew (the window's mean mixes in the calls before). */
        double grownMean() {
            return sinceCalls > 0 ? sinceTotal / sinceCalls : mean();
        }

        Double baseMean() {
            return baseCalls > 0 ? baseTotal / baseCalls : null;
        }
    }

    private final Texts texts;

    StatementHints(Texts texts) {
        this.texts = texts;
    }

    List<Found> find(Connection c, Context context, Instant from, Instant to) throws SQLException {
        Duration span = Duration.between(from, to);
        Instant baseFrom = from.minus(span);
        Long own = Ranking.statementOf(context.series());
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement ps = Rows.prepare(c, GROWTH, context.instanceId(), from, to, context.instanceId(), baseFrom, from,
                context.instanceId(), from, to, GREW, context.instanceId(), from, to, own == null ? 0L : own, MAX_STATEMENTS);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(new Row(rs.getLong("queryid"), rs.getLong("calls"), rs.getDouble("total"), Rows.instant(rs, "first_at"),
                        rs.getLong("base_calls"), rs.getDouble("base_total"), Rows.instant(rs, "onset"), rs.getLong("since_calls"),
                        rs.getDouble("since_total"), rs.getDouble("added"),
                        rs.getDouble("window_total")));
            }
        }
        if (rows.isEmpty()) {
            return List.of();
        }
        Set<Long> seenBefore = seenBefore(c, context.instanceId(), rows, from.minus(NEW_LOOKBACK), baseFrom);
        double addedAll = rows.stream().mapToDouble(r -> Math.max(0, r.added())).sum();
        List<Row> grown = new ArrayList<>();
        List<Row> fresh = new ArrayList<>();
        for (Row row : rows) {
            boolean isOwn = own != null && own == row.queryid();
            if (row.baseCalls() == 0 && !seenBefore.contains(row.queryid())) {
                fresh.add(row);
            } else if (isOwn || grew(row, addedAll)) {
                grown.add(row);
            }
        }
        List<Long> named = new ArrayList<>();
        grown.forEach(r -> named.add(r.queryid()));
        fresh.forEach(r -> named.add(r.queryid()));
        Map<Long, String> text = texts.of(c, context.instanceId(), named);
        List<Found> found = new ArrayList<>();
        for (Row row : grown) {
            found.add(grownHint(row, text, addedAll, own));
        }
        for (Row row : fresh) {
            double share = row.windowTotal() > 0 ? row.total() / row.windowTotal() : 0;
            found.add(new Found(AnomalyHint.NEW_STATEMENT, Texts.subject(text, row.queryid()),
                    "new: first seen in the window, " + row.calls() + " calls, mean " + Rows.millis(row.mean()) + ", "
                            + Rows.seconds(row.total() / 1000) + " of time", "query:" + row.queryid(), 0.25 + share,
                    row.firstAt(), own != null && own == row.queryid() ? 0.9 : 0));
        }
        return found;
    }

    private static boolean grew(Row row, double addedAll) {
        if (row.added() <= 0) {
            return false;
        }
        Double baseMean = row.baseMean();
        return baseMean == null || baseMean <= 0 || row.mean() >= GREW * baseMean || row.added() >= 0.25 * addedAll;
    }

    private static Found grownHint(Row row, Map<Long, String> text, double addedAll, Long own) {
        Double baseMean = row.baseMean();
        double ratio = baseMean == null || baseMean <= 0 ? Double.NaN : row.grownMean() / baseMean;
        double ratioPart = Double.isNaN(ratio) ? 0.5 : Ranking.clamp(Math.log10(Math.max(ratio, 1)) / 2);
        double share = addedAll > 0 ? Math.max(0, row.added()) / addedAll : 0;
        double magnitude = 0.5 * ratioPart + 0.5 * share;
        String mean = baseMean == null ? "mean " + Rows.millis(row.mean()) + " (no calls in the baseline)"
                : "mean " + Rows.millis(baseMean) + " -> " + Rows.millis(row.grownMean());
        String added = (row.added() >= 0 ? "+" : "-") + Rows.seconds(Math.abs(row.added()) / 1000) + " of time";
        boolean isOwn = own != null && own == row.queryid();
        Instant at = row.onset() != null ? row.onset() : baseMean == null ? row.firstAt() : null;
        return new Found(AnomalyHint.STATEMENT, Texts.subject(text, row.queryid()),
                mean + ", " + added + " (" + row.calls() + " calls against " + row.baseCalls() + " in the baseline)",
                "query:" + row.queryid(), magnitude, at, isOwn ? 0.9 + 0.1 * magnitude : 0);
    }

    /** Of the statements without baseline calls, those with statistics in the lookback before the baseline. */
    private static Set<Long> seenBefore(Connection c, long instanceId, List<Row> rows, Instant lookbackFrom, Instant baseFrom)
            throws SQLException {
        long[] ids = rows.stream().filter(r -> r.baseCalls() == 0).mapToLong(Row::queryid).toArray();
        Set<Long> seen = new HashSet<>();
        if (ids.length == 0 || !lookbackFrom.isBefore(baseFrom)) {
            return seen;
        }
        try (PreparedStatement ps = Rows.prepare(c, "SELECT DISTINCT queryid FROM ts.statements"
                        + " WHERE instance_id = ? AND collected_at >= ? AND collected_at < ? AND queryid = ANY (?)",
                instanceId, lookbackFrom, baseFrom, ids);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                seen.add(rs.getLong(1));
            }
        }
        return seen;
    }
}
