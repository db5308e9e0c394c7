package io.pganalytics.console.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.pganalytics.common.anomaly.AnomalyHint;
import io.pganalytics.common.json.JsonMapping;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Plants what the anomaly scorer writes (migration 1.17's {@code anomaly} and {@code anomaly_band} rows) straight into a
 * test server's database, so console tests see realistic anomalies, hints and bands without waiting for detection.
 */
public final class AnomalyRows {
    /** The band at one minute: expected, lower, upper. */
    public record Band(double expected, double lower, double upper) {
    }

    private AnomalyRows() {
    }

    public static long instanceId(Connection c, String name) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT id FROM monitored_instance WHERE name = ?")) {
            st.setString(1, name);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("no monitored instance named " + name);
                }
                return rs.getLong(1);
            }
        }
    }

    /** One anomaly row; {@code endedAt} null leaves it open. Its id. */
    public static long anomaly(Connection c, long instanceId, String series, String kind, String severity, Instant startedAt, Instant endedAt,
                               Instant peakAt, double score, Double expected, Double lower, Double upper, Double actual, int points,
                               List<AnomalyHint> hints) throws SQLException {
        String json;
        try {
            json = JsonMapping.newMapper().writeValueAsString(hints);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        try (PreparedStatement st = c.prepareStatement("""
                INSERT INTO anomaly (instance_id, series, kind, severity, state, started_at, ended_at, peak_at, score, expected,
                                     lower_bound, upper_bound, actual, points, hints, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, now(), now()) RETURNING id""")) {
            st.setLong(1, instanceId);
            st.setString(2, series);
            st.setString(3, kind);
            st.setString(4, severity);
            st.setString(5, endedAt == null ? "open" : "closed");
            st.setTimestamp(6, Timestamp.from(startedAt));
            if (endedAt == null) {
                st.setNull(7, Types.TIMESTAMP_WITH_TIMEZONE);
            } else {
                st.setTimestamp(7, Timestamp.from(endedAt));
            }
            st.setTimestamp(8, Timestamp.from(peakAt));
            st.setDouble(9, score);
            setDouble(st, 10, expected);
            setDouble(st, 11, lower);
            setDouble(st, 12, upper);
            setDouble(st, 13, actual);
            st.setInt(14, points);
            st.setString(15, json);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The band of {@code series} for every minute in {@code [from, to)}, one row per hour as the scorer writes it. */
    public static void band(Connection c, long instanceId, String series, Instant from, Instant to, Function<Instant, Band> band)
            throws SQLException {
        try (PreparedStatement st = c.prepareStatement("""
                INSERT INTO anomaly_band (instance_id, series, hour, expected, lower_bound, upper_bound)
                VALUES (?, ?, ?, ?::real[], ?::real[], ?::real[])
                ON CONFLICT (instance_id, series, hour) DO UPDATE
                SET expected = excluded.expected, lower_bound = excluded.lower_bound, upper_bound = excluded.upper_bound""")) {
            for (Instant hour = from.truncatedTo(ChronoUnit.HOURS); hour.isBefore(to); hour = hour.plus(Duration.ofHours(1))) {
                StringBuilder expected = new StringBuilder("{");
                StringBuilder lower = new StringBuilder("{");
                StringBuilder upper = new StringBuilder("{");
                for (int minute = 0; minute < 60; minute++) {
                    Instant at = hour.plus(Duration.ofMinutes(minute));
                    String sep = minute == 0 ? "" : ",";
                    if (at.isBefore(from) || !at.isBefore(to)) {
                        expected.append(sep).append("NULL");
                        lower.append(sep).append("NULL");
                        upper.append(sep).append("NULL");
                    } else {
                        Band b = band.apply(at);
                        expected.append(sep).append(String.format(Locale.ROOT, "%.4f", b.expected()));
                        lower.append(sep).append(String.format(Locale.ROOT, "%.4f", b.lower()));
                        upper.append(sep).append(String.format(Locale.ROOT, "%.4f", b.upper()));
                    }
                }
                st.setLong(1, instanceId);
                st.setString(2, series);
                st.setTimestamp(3, Timestamp.from(hour));
                st.setString(4, expected.append('}').toString());
                st.setString(5, lower.append('}').toString());
                st.setString(6, upper.append('}').toString());
                st.executeUpdate();
            }
        }
    }

    private static void setDouble(PreparedStatement st, int index, Double value) throws SQLException {
        if (value == null) {
            st.setNull(index, Types.DOUBLE);
        } else {
            st.setDouble(index, value);
        }
    }
}
