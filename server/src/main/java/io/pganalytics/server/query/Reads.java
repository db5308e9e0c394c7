package io.pganalytics.server.query;

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

/**
 * Read-only work on a pooled connection (the pool hands them out with auto-commit off): each unit runs in a
 * transaction of its own bounded by {@code query.statement-timeout} and is rolled back, since it changed nothing.
 * A timeout becomes a 503 naming what took too long; an unreachable database a 503 as well.
 */
final class Reads {
    private static final Logger LOG = LoggerFactory.getLogger(Reads.class);

    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private final DataSource dataSource;
    private final Duration timeout;

    Reads(DataSource dataSource, Duration timeout) {
        this.dataSource = dataSource;
        this.timeout = timeout;
    }

    <T> T read(String what, Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            try {
                try (Statement st = connection.createStatement()) {
                    st.execute("SET LOCAL statement_timeout = " + timeout.toMillis());
                }
                return work.run(connection);
            } finally {
                if (!connection.isClosed()) { // the pool closes a broken connection: its rollback would hide why
                    connection.rollback();
                }
            }
        } catch (SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            if (state.equals("57014")) {
                throw ApiException.unavailable(what + " took longer than " + timeout.toMillis()
                        + " ms (query.statement-timeout): ask for a shorter range", Duration.ofSeconds(5));
            }
            // 08: the connection failed; 57P: the server shut down or is starting (a restart of the database)
            if (state.startsWith("08") || state.startsWith("57P") || e instanceof java.sql.SQLTransientConnectionException) {
                LOG.warn("query: {}: the database is unavailable: {}", what, e.getMessage());
                throw ApiException.unavailable("the database is unavailable: retry later", Duration.ofSeconds(5));
            }
            throw new IllegalStateException(what + ": " + e.getMessage(), e);
        }
    }

    static void bind(PreparedStatement ps, Object... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            Object value = values[i];
            if (value instanceof Instant instant) {
                ps.setTimestamp(i + 1, Timestamp.from(instant));
            } else if (value == null) {
                ps.setNull(i + 1, java.sql.Types.VARCHAR);
            } else {
                ps.setObject(i + 1, value);
            }
        }
    }

    static Long longOrNull(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    static Double doubleOrNull(ResultSet rs, String column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() ? null : value;
    }

    static Boolean boolOrNull(ResultSet rs, String column) throws SQLException {
        boolean value = rs.getBoolean(column);
        return rs.wasNull() ? null : value;
    }

    static Instant instantOrNull(ResultSet rs, String column) throws SQLException {
        Timestamp value = rs.getTimestamp(column);
        return value == null ? null : value.toInstant();
    }
}
