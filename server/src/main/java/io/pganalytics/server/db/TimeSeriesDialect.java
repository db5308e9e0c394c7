package io.pganalytics.server.db;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Locale;

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

    private static final Logger LOG = LoggerFactory.getLogger(TimeSeriesDialect.class);

    public enum Choice { AUTO, PLAIN, TIMESCALEDB }

    /**
     * What the database server says about TimescaleDB.
     *
     * @param installed  the extension exists in this database ({@code pg_extension})
     * @param available  the server could install it ({@code pg_available_extensions})
     * @param preloaded  {@code shared_preload_libraries} names it, without which TimescaleDB refuses to work
     * @param preloadKnown whether {@code shared_preload_libraries} could be read at all: a role without
     *                  {@code pg_read_all_settings} (the embedded default's application role, a least-privilege
     *                  production role) may not read it
     */
    record Timescale(boolean installed, boolean available, boolean preloaded, boolean preloadKnown) {
        Timescale(boolean installed, boolean available, boolean preloaded) {
            this(installed, available, preloaded, true);
        }
    }

    /** A dialect and the sentence that says why it was chosen. */
    record Decision(TimeSeriesDialect dialect, String reason) {
    }

    public String folder() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Picks the dialect: the one an earlier start recorded, else the configured one, else TimescaleDB only where it can
     * work (installed, or available and preloaded). Logs why; fails with what to change when the choice cannot work.
     */
    static TimeSeriesDialect choose(Choice choice, Connection connection) throws SQLException {
        Decision decision = decide(choice, recorded(connection), inspect(connection));
        LOG.info("database: time-series dialect {}: {}", decision.dialect().folder(), decision.reason());
        return decision.dialect();
    }

    /** The whole choice, as a pure function of the configuration, an earlier start's record and the server's state. */
    static Decision decide(Choice choice, TimeSeriesDialect recorded, Timescale timescale) {
        if (recorded != null) {
            if (choice != Choice.AUTO && !choice.name().equals(recorded.name())) {
                throw new IllegalStateException("database.timeseries-dialect is " + choice.name().toLowerCase(Locale.ROOT)
                        + " but this database already stores its time series as " + recorded.folder()
                        + ": keep " + recorded.folder() + " or migrate the data first");
            }
            if (recorded == TIMESCALEDB && timescale.preloadKnown() && !timescale.preloaded()) {
                throw new IllegalStateException("this database stores its time series with TimescaleDB, but the database "
                        + "server's shared_preload_libraries does not name timescaledb: add it (shared_preload_libraries = "
                        + "'timescaledb') and restart PostgreSQL");
            }
            return new Decision(recorded, "recorded in ts.dialect by an earlier start");
        }
        return switch (choice) {
            case PLAIN -> new Decision(PLAIN, "database.timeseries-dialect is plain");
            case TIMESCALEDB -> {
                if (!timescale.installed() && !timescale.available()) {
                    throw new IllegalStateException("database.timeseries-dialect is timescaledb but the timescaledb extension "
                            + "is not available on this server (pg_available_extensions has no timescaledb): install "
                            + "TimescaleDB 2.13 or newer on the database server, or set database.timeseries-dialect to auto or plain");
                }
                if (timescale.preloadKnown() && !timescale.preloaded()) {
                    throw new IllegalStateException("database.timeseries-dialect is timescaledb but the database server's "
                            + "shared_preload_libraries does not name timescaledb: add it (shared_preload_libraries = "
                            + "'timescaledb') and restart PostgreSQL, or set database.timeseries-dialect to auto or plain");
                }
                yield new Decision(TIMESCALEDB, "database.timeseries-dialect is timescaledb");
            }
            case AUTO -> auto(timescale);
        };
    }

    private static Decision auto(Timescale timescale) {
        if (timescale.preloaded() && timescale.installed()) {
            return new Decision(TIMESCALEDB, "timescaledb: installed in this database and preloaded");
        }
        if (timescale.preloaded() && timescale.available()) {
            return new Decision(TIMESCALEDB, "timescaledb: available and in shared_preload_libraries");
        }
        if (!timescale.preloadKnown() && (timescale.installed() || timescale.available())) {
            return new Decision(PLAIN, "timescaledb: " + (timescale.installed() ? "installed" : "available")
                    + " but the server's role may not read shared_preload_libraries (grant it pg_read_all_settings), so "
                    + "whether it is preloaded is unknown; using plain PostgreSQL partitions (set "
                    + "database.timeseries-dialect: timescaledb to use it)");
        }
        if (timescale.installed() || timescale.available()) {
            return new Decision(PLAIN, "timescaledb: " + (timescale.installed() ? "installed" : "available")
                    + " but not in shared_preload_libraries; using plain PostgreSQL partitions");
        }
        return new Decision(PLAIN, "timescaledb: not available on this server; using plain PostgreSQL partitions");
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
            return rs.next() ? valueOf(rs.getString(1).toUpperCase(Locale.ROOT)) : null;
        }
    }

    static Timescale inspect(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("""
                     SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'),
                            EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'),
                            (SELECT setting FROM pg_settings WHERE name = 'shared_preload_libraries')""")) {
            // pg_settings leaves out the rows a role may not read, where current_setting() would fail
            rs.next();
            String preload = rs.getString(3);
            return new Timescale(rs.getBoolean(1), rs.getBoolean(2), preloads(preload), preload != null);
        }
    }

    /** Whether a {@code shared_preload_libraries} value names timescaledb ({@code 'pg_stat_statements, "timescaledb"'}). */
    static boolean preloads(String sharedPreloadLibraries) {
        if (sharedPreloadLibraries == null) {
            return false;
        }
        return Arrays.stream(sharedPreloadLibraries.split(","))
                .map(name -> name.trim().replace("\"", ""))
                .map(name -> name.substring(name.lastIndexOf('/') + 1))
                .anyMatch(name -> name.equals("timescaledb") || name.startsWith("timescaledb-") || name.equals("timescaledb.so"));
    }
}
