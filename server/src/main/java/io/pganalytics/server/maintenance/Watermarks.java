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
import java.util.Locale;
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

    static String name(Resolution resolution) {
        return resolution.name().toLowerCase(Locale.ROOT);
    }

    static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
