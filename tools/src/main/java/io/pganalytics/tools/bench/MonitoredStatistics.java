package io.pganalytics.tools.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;

/** What the monitored PostgreSQL says about the collector: its statements, sessions, and a statement's round trip. */
final class MonitoredStatistics {
    private MonitoredStatistics() {
    }

    /** Execution + planning milliseconds and calls of a role's statements, over every database. */
    static double[] statementTotals(Connection c, String role) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("""
                SELECT coalesce(sum(s.total_exec_time + s.total_plan_time), 0), coalesce(sum(s.calls), 0)
                FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid WHERE r.rolname = '""" + role + "'")) {
            rs.next();
            return new double[] {rs.getDouble(1), rs.getDouble(2)};
        }
    }

    /** The median of 50 {@code SELECT 1} on a database through {@code port}. */
    static double selectOneMillis(int port, String database, String user, String password) throws SQLException {
        double[] millis = new double[50];
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database,
                user, password); Statement st = c.createStatement()) {
            st.execute("SELECT 1");
            for (int i = 0; i < millis.length; i++) {
                long start = System.nanoTime();
                st.execute("SELECT 1");
                millis[i] = (System.nanoTime() - start) / 1e6;
            }
        }
        Arrays.sort(millis);
        return millis[millis.length / 2];
    }

    /** The collector's sessions inside a transaction now: its collections in progress. */
    static int busySessions(Connection c, String role) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT count(*) FROM pg_stat_activity WHERE usename = '" + role + "' AND state <> 'idle'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /**
     * Sessions ever opened to the databases matching a LIKE pattern (pg_stat_database.sessions, PostgreSQL 14 and later; -1
     * before): its growth over a window is how many connections the collector opened, 0 when it keeps them open.
     */
    static long sessionsOpened(Connection c, String datnamePattern) {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT coalesce(sum(sessions), 0) FROM pg_stat_database WHERE datname LIKE '" + datnamePattern + "'")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            return -1;
        }
    }
}
