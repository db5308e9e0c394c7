package io.pganalytics.server.maintenance;

import io.pganalytics.common.catalog.Family;
import io.pganalytics.server.series.SeriesSchema.Resolution;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How far each rollup has been computed: per (family, resolution), the end of the last window written. A restarted
 * or new node continues from there, so downtime is caught up instead of skipped.
 */
final class Watermarks {
    private Watermarks() {
    }

    static Optional<Instant> get(Connection connection, Family family, Resolution resolution) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT computed_to FROM maintenance_watermark WHERE family = ? AND resolution = ?")) {
            ps.setString(1, family.name());
            ps.setString(2, name(resolution));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getObject(1, OffsetDateTime.class).toInstant()) : Optional.empty();
            }
        }
    }

    /** Moves the watermark forward (never back: a slow run that lost its lease cannot undo a newer one's work). */
    static void advance(Connection connection, Family family, Resolution resolution, Instant computedTo, Instant now)
            throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("""
                INSERT INTO maintenance_watermark (family, resolution, computed_to, updated_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (family, resolution) DO UPDATE
                SET computed_to = greatest(maintenance_watermark.computed_to, EXCLUDED.computed_to), updated_at = EXCLUDED.updated_at""")) {
            ps.setString(1, family.name());
            ps.setString(2, name(resolution));
            ps.setObject(3, utc(computedTo));
            ps.setObject(4, utc(now));
            ps.executeUpdate();
        }
    }

    /**
     * TimescaleDB's equivalent of the oldest watermark per resolution: how far the continuous aggregate furthest behind
     * is materialised ({@code cagg_watermark}). Aggregates with nothing materialised yet (a watermark before 2000) are
     * left out, as the plain job leaves out families without data.
     */
    static final String TIMESCALE_OLDEST = """
            SELECT CASE WHEN w.view_name LIKE '%\\_1h' THEN 'hour' ELSE 'minute' END AS resolution, min(w.materialized_to)
            FROM (SELECT c.user_view_name::text AS view_name,
                         _timescaledb_functions.to_timestamp(_timescaledb_functions.cagg_watermark(c.mat_hypertable_id)) AS materialized_to
                  FROM _timescaledb_catalog.continuous_agg c
                  WHERE c.user_view_schema = 'ts') w
            WHERE w.materialized_to > TIMESTAMPTZ '2000-01-01 00:00:00+00' AND w.materialized_to < 'infinity'
            GROUP BY 1""";

    static Map<Resolution, Instant> timescaleOldest(Connection connection) throws SQLException {
        Map<Resolution, Instant> oldest = new EnumMap<>(Resolution.class);
        try (PreparedStatement ps = connection.prepareStatement(TIMESCALE_OLDEST); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                oldest.put(Resolution.valueOf(rs.getString(1).toUpperCase(Locale.ROOT)), rs.getObject(2, OffsetDateTime.class).toInstant());
            }
        }
        return oldest;
    }

    static String name(Resolution resolution) {
        return resolution.name().toLowerCase(Locale.ROOT);
    }

    static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
