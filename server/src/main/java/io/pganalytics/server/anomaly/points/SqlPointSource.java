package io.pganalytics.server.anomaly.points;

import io.pganalytics.common.anomaly.DetectionSeriesInfo;
import io.pganalytics.common.catalog.Family;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.server.anomaly.PointSource;
import io.pganalytics.server.anomaly.points.DetectionCatalogue.Definition;
import io.pganalytics.server.series.SeriesSchema.Resolution;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The detectors' points from the raw time-series tables: one SQL statement per family of {@link DetectionCatalogue}
 * per call, which computes every series of that family at each stored time (grouped by the whole second, the points'
 * resolution). A family's read is bounded by its first {@code maxPerSeries} stored times after {@code after}, so each
 * series gets at most that many points, the oldest, with none missing before its last one; times where a series has
 * no finite value (a zero denominator, no rows with a value) are skipped for that series.
 * <p>
 * The statements family also yields {@code statement_latency_ms:<queryid>} for the {@code topStatements} statements
 * with the most execution time in the rows read (the "other" row, queryid 0, is not a statement).
 */
public final class SqlPointSource implements PointSource {
    /** The latest time PostgreSQL and the points' arithmetic are asked about (an open-ended {@code until}). */
    private static final Instant LATEST = Instant.parse("9999-01-01T00:00:00Z");

    private final int topStatements;
    private final Map<Family, String> sqlByFamily = new LinkedHashMap<>();
    private final Map<Family, List<Definition>> definitions = DetectionCatalogue.byFamily();

    /** @param topStatements how many statements by total time get a latency series of their own (0: none) */
    public SqlPointSource(int topStatements) {
        if (topStatements < 0) {
            throw new IllegalArgumentException("topStatements must be >= 0, was " + topStatements);
        }
        this.topStatements = topStatements;
        definitions.forEach((family, series) -> sqlByFamily.put(family, sql(family, series, keyed(family))));
    }

    @Override
    public Map<String, List<Point>> points(Connection c, long instanceId, Instant after, Instant until, int maxPerSeries)
            throws SQLException {
        if (maxPerSeries < 0) {
            throw new IllegalArgumentException("maxPerSeries must be >= 0, was " + maxPerSeries);
        }
        // Points are whole seconds: a point at second s is in (after, until] when after < s <= until, that is when its
        // stored time is in [floor(after) + 1 s, floor(until) + 1 s). Reading after a point's own second never reads
        // it again, whatever fraction of a second it was stored at.
        Instant from = clamp(after).plusSeconds(1).truncatedTo(ChronoUnit.SECONDS);
        Instant to = clamp(until).truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        Map<String, List<Point>> points = new LinkedHashMap<>();
        if (maxPerSeries == 0 || !from.isBefore(to)) {
            return points;
        }
        Map<String, List<Point>> keyed = new LinkedHashMap<>();
        for (Map.Entry<Family, String> family : sqlByFamily.entrySet()) {
            read(c, family.getKey(), family.getValue(), instanceId, from, to, maxPerSeries, points, keyed);
        }
        points.putAll(keyed);
        return points;
    }

    @Override
    public DetectionSeriesInfo describe(String series) {
        return DetectionCatalogue.describe(series);
    }

    @Override
    public List<DetectionSeriesInfo> catalogue() {
        return DetectionCatalogue.catalogue();
    }

    /** The statement that reads a family (for plans and tests). */
    String statement(Family family) {
        return sqlByFamily.get(family);
    }

    private void read(Connection c, Family family, String sql, long instanceId, Instant from, Instant to, int maxPerSeries,
                      Map<String, List<Point>> points, Map<String, List<Point>> keyed) throws SQLException {
        List<Definition> series = definitions.get(family);
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setLong(i++, instanceId);
            ps.setObject(i++, OffsetDateTime.ofInstant(from, ZoneOffset.UTC));
            ps.setObject(i++, OffsetDateTime.ofInstant(to, ZoneOffset.UTC));
            ps.setInt(i++, maxPerSeries);
            ps.setLong(i++, instanceId);
            ps.setObject(i++, OffsetDateTime.ofInstant(from, ZoneOffset.UTC));
            ps.setObject(i++, OffsetDateTime.ofInstant(to, ZoneOffset.UTC));
            if (keyed(family)) {
                ps.setInt(i, topStatements);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long at = rs.getLong(1);
                    String key = rs.getString(2);
                    if (key != null) {
                        add(keyed, DetectionCatalogue.STATEMENT_LATENCY_PREFIX + key, at, rs, 3);
                        continue;
                    }
                    for (int s = 0; s < series.size(); s++) {
                        add(points, series.get(s).series(), at, rs, 3 + s);
                    }
                }
            }
        }
    }

    private static void add(Map<String, List<Point>> points, String series, long at, ResultSet rs, int column) throws SQLException {
        double value = rs.getDouble(column);
        if (!rs.wasNull() && Double.isFinite(value)) {
            points.computeIfAbsent(series, s -> new ArrayList<>()).add(new Point(at, value));
        }
    }

    private boolean keyed(Family family) {
        return family == MetricCatalog.STATEMENTS && topStatements > 0;
    }

    /**
     * The family's statement. Parameters: instance, from, to, limit (the bounding times), instance, from, to (the rows),
     * and for the statements family the number of top statements. {@code times} walks the (instance_id, collected_at)
     * index for the first stored times; {@code rows} reads up to the last of them.
     */
    private static String sql(Family family, List<Definition> series, boolean keyed) {
        String table = Resolution.RAW.table(family);
        List<String> values = new ArrayList<>();
        for (Definition d : series) {
            values.add("(" + d.perTime() + ")::float8");
        }
        StringBuilder sql = new StringBuilder()
                .append("WITH times AS (\n")
                .append("    SELECT DISTINCT collected_at FROM ").append(table)
                .append(" WHERE instance_id = ? AND collected_at >= ? AND collected_at < ?\n")
                .append("    ORDER BY collected_at LIMIT ?),\n")
                .append("picked AS ").append(keyed ? "MATERIALIZED " : "").append("(\n")
                // materialized for the top statements, so only the columns read (the statement rows are wide)
                .append("    SELECT extract(epoch FROM date_trunc('second', collected_at))::bigint AS at, ")
                .append(keyed ? "interval_seconds, queryid, calls, total_exec_time" : "*").append(" FROM ").append(table)
                .append(" WHERE instance_id = ? AND collected_at >= ? AND collected_at < ?\n")
                .append("      AND collected_at <= (SELECT max(collected_at) FROM times))");
        if (keyed) {
            sql.append(",\ntop AS (\n")
                    .append("    SELECT queryid FROM picked WHERE queryid IS NOT NULL AND queryid <> 0\n")
                    .append("    GROUP BY queryid ORDER BY sum(total_exec_time) DESC NULLS LAST, queryid LIMIT ?)");
        }
        sql.append("\nSELECT at, NULL::text AS series_key, ").append(String.join(", ", values))
                .append("\nFROM picked GROUP BY at");
        if (keyed) {
            List<String> padding = new ArrayList<>();
            padding.add("(sum(total_exec_time::float8) / nullif(sum(calls::float8), 0))::float8");
            for (int i = 1; i < series.size(); i++) {
                padding.add("NULL::float8");
            }
            sql.append("\nUNION ALL\nSELECT at, queryid::text, ").append(String.join(", ", padding))
                    .append("\nFROM picked WHERE queryid IN (SELECT queryid FROM top) GROUP BY at, queryid");
        }
        return sql.append("\nORDER BY 1, 2 NULLS FIRST").toString();
    }

    private static Instant clamp(Instant t) {
        if (t.isBefore(Instant.EPOCH)) {
            return Instant.EPOCH;
        }
        return t.isAfter(LATEST) ? LATEST : t;
    }
}
