package io.pganalytics.server.crypto;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The JDBC plumbing the key tables' repositories share: reads, and transactions under an advisory lock. */
final class Jdbc {
    private Jdbc() {
    }

    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Work done last in a transaction with what it made: an audit record of the change, appended on its connection. */
    interface Then<T> {
        void run(Connection c, T result) throws SQLException;

        static <T> Then<T> nothing() {
            return (c, result) -> {
            };
        }
    }

    interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction holding the transaction-scoped advisory lock {@code lock}, committed when it
     * returns and rolled back when it throws.
     *
     * @param what what the work does, for the error message ("data keys: cannot create a data key")
     */
    static <T> T underLock(DataSource dataSource, long lock, String what, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                    ps.setLong(1, lock);
                    ps.execute();
                }
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(what + ": " + e.getMessage(), e);
        }
    }

    /** Every row {@code sql} selects, read on a connection of its own. */
    static <T> List<T> list(DataSource dataSource, String what, String sql, RowReader<T> reader) {
        try (Connection c = dataSource.getConnection()) {
            return list(c, sql, reader);
        } catch (SQLException e) {
            throw new IllegalStateException(what + ": " + e.getMessage(), e);
        }
    }

    static <T> List<T> list(Connection c, String sql, RowReader<T> reader) throws SQLException {
        List<T> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(reader.read(rs));
            }
        }
        return rows;
    }

    static <T> Optional<T> one(DataSource dataSource, String what, String sql, RowReader<T> reader) {
        return list(dataSource, what, sql, reader).stream().findFirst();
    }

    static <T> Optional<T> one(Connection c, String sql, RowReader<T> reader) throws SQLException {
        return list(c, sql, reader).stream().findFirst();
    }
}
