package io.pganalytics.server.alerting.api;

import io.pganalytics.server.http.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The alerting repositories' access to the database: units of reading and of writing, each in its own transaction and
 * bounded in time; a timeout or a lost database is a 503, never a hang.
 */
final class Db {
    private static final Logger LOG = LoggerFactory.getLogger(Db.class);

    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    @FunctionalInterface
    interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private final DataSource dataSource;
    private final Duration timeout;

    Db(DataSource dataSource, Duration timeout) {
        this.dataSource = dataSource;
        this.timeout = timeout;
    }

    /** Runs a unit of reading in a transaction that is rolled back. */
    <T> T read(String what, Work<T> work) {
        return run(what, work, false);
    }

    /** Runs a unit of work in one transaction, committed when it returns, rolled back when it throws. */
    <T> T write(String what, Work<T> work) {
        return run(what, work, true);
    }

    private <T> T run(String what, Work<T> work, boolean commit) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (Statement st = c.createStatement()) {
                    st.execute("SET LOCAL statement_timeout = " + timeout.toMillis());
                }
                T result = work.run(c);
                if (commit) {
                    c.commit();
                } else {
                    c.rollback();
                }
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    private RuntimeException failure(String what, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.equals("57014")) {
            return ApiException.unavailable(what + " took longer than " + timeout.toMillis() + " ms: ask for less", Duration.ofSeconds(5));
        }
        if (state.equals("23505")) {
            return ApiException.conflict(what + ": " + conflictText(e));
        }
        if (state.startsWith("08") || e instanceof java.sql.SQLTransientConnectionException) {
            LOG.warn("alerting: {}: the database is unavailable: {}", what, e.getMessage());
            return ApiException.unavailable("the database is unavailable: retry later", Duration.ofSeconds(5));
        }
        return new IllegalStateException("alerting: " + what + ": " + e.getMessage(), e);
    }

    private static String conflictText(SQLException e) {
        String message = String.valueOf(e.getMessage());
        return message.contains("alert_rule_name") ? "a rule of that name exists already (names are unique, whatever their case)"
                : "it conflicts with an existing row";
    }

    static <T> List<T> list(Connection c, String sql, Row<T> row, Object... values) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(c, ps, values);
            List<T> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(row.read(rs));
                }
            }
            return rows;
        }
    }

    static int update(Connection c, String sql, Object... values) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(c, ps, values);
            return ps.executeUpdate();
        }
    }

    static void bind(Connection c, PreparedStatement ps, Object... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            Object value = values[i];
            if (value instanceof Instant instant) {
                ps.setTimestamp(i + 1, Timestamp.from(instant));
            } else if (value instanceof String[] texts) {
                ps.setArray(i + 1, c.createArrayOf("varchar", texts));
            } else if (value instanceof Long[] numbers) {
                ps.setArray(i + 1, c.createArrayOf("bigint", numbers));
            } else if (value == null) {
                ps.setNull(i + 1, java.sql.Types.NULL);
            } else {
                ps.setObject(i + 1, value);
            }
        }
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp at = rs.getTimestamp(column);
        return at == null ? null : at.toInstant();
    }

    static Double doubleOrNull(ResultSet rs, String column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() ? null : value;
    }

    static Long longOrNull(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    static Integer intOrNull(ResultSet rs, String column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? null : value;
    }
}
