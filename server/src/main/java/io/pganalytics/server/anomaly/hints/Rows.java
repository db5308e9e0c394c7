package io.pganalytics.server.anomaly.hints;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Locale;

/** Binding, reading and wording shared by the sources. */
final class Rows {
    /** The longest statement text a hint quotes. */
    static final int EXCERPT = 200;

    private Rows() {
    }

    static PreparedStatement prepare(Connection c, String sql, Object... values) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        try {
            for (int i = 0; i < values.length; i++) {
                Object value = values[i];
                if (value instanceof Instant instant) {
                    ps.setTimestamp(i + 1, Timestamp.from(instant));
                } else if (value instanceof long[] longs) {
                    Long[] boxed = new Long[longs.length];
                    for (int k = 0; k < longs.length; k++) {
                        boxed[k] = longs[k];
                    }
                    ps.setArray(i + 1, c.createArrayOf("bigint", boxed));
                } else {
                    ps.setObject(i + 1, value);
                }
            }
            return ps;
        } catch (SQLException | RuntimeException e) {
            ps.close();
            throw e;
        }
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp value = rs.getTimestamp(column);
        return value == null ? null : value.toInstant();
    }

    static Long longOrNull(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    /** A time in milliseconds for a person: {@code 0.4 ms}, {@code 38 ms}, {@code 1.2 s}. */
    static String millis(double ms) {
        if (ms >= 1000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000);
        }
        if (ms >= 10) {
            return String.format(Locale.ROOT, "%.0f ms", ms);
        }
        if (ms >= 0.1) {
            return String.format(Locale.ROOT, "%.1f ms", ms);
        }
        return String.format(Locale.ROOT, "%.2f ms", ms);
    }

    /** Seconds for a person: {@code 12.3 s}, {@code 4.5 min}. */
    static String seconds(double s) {
        return s >= 120 ? String.format(Locale.ROOT, "%.1f min", s / 60) : String.format(Locale.ROOT, "%.1f s", s);
    }

    /** A statement's text on one line, cut to {@link #EXCERPT} characters. */
    static String excerpt(String text) {
        String line = text.strip().replaceAll("\\s+", " ");
        if (line.codePointCount(0, line.length()) <= EXCERPT) {
            return line;
        }
        return line.substring(0, line.offsetByCodePoints(0, EXCERPT - 3)) + "...";
    }
}
