package io.pganalytics.server.db;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * How time-series tables are stored. Both dialects share every table definition and query; only the steps that make
 * a table a hypertable (or a partitioned table), compress it and keep its rollups differ, and those live in their own
 * migration folder, {@code dbmigration-timeseries/<dialect>}.
 */
public enum TimeSeriesDialect {
    /** Declarative range partitioning by day, BRIN on time, rollup tables kept by a job. */
    PLAIN,
    /** Hypertables with compression and retention policies and continuous aggregates. */
    TIMESCALEDB;

    public enum Choice { AUTO, PLAIN, TIMESCALEDB }

    public String folder() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Picks the dialect: the configured one, or TimescaleDB when the server can load the extension. */
    static TimeSeriesDialect choose(Choice choice, Connection connection) throws SQLException {
        TimeSeriesDialect recorded = recorded(connection);
        if (recorded != null) {
            if (choice != Choice.AUTO && !choice.name().equals(recorded.name())) {
                throw new IllegalStateException("database.timeseries-dialect is " + choice.name().toLowerCase(java.util.Locale.ROOT)
                        + " but this database already stores its time series as " + recorded.folder()
                        + ": keep " + recorded.folder() + " or migrate the data first");
            }
            return recorded;
        }
        boolean available = timescaleAvailable(connection);
        return switch (choice) {
            case PLAIN -> PLAIN;
            case TIMESCALEDB -> {
                if (!available) {
                    throw new IllegalStateException("database.timeseries-dialect is timescaledb but the timescaledb extension "
                            + "is not available on this server (pg_available_extensions has no timescaledb)");
                }
                yield TIMESCALEDB;
            }
            case AUTO -> available ? TIMESCALEDB : PLAIN;
        };
    }

    /** The dialect an earlier start chose, which every later start keeps. */
    private static TimeSeriesDialect recorded(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement();
             ResultSet exists = st.executeQuery("SELECT to_regclass('ts.dialect') IS NOT NULL")) {
            exists.next();
            if (!exists.getBoolean(1)) {
                return null;
            }
        }
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT name FROM ts.dialect")) {
            return rs.next() ? valueOf(rs.getString(1).toUpperCase(java.util.Locale.ROOT)) : null;
        }
    }

    private static boolean timescaleAvailable(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'")) {
            return rs.next();
        }
    }
}
