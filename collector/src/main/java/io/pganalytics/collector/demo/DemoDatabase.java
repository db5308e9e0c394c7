package io.pganalytics.collector.demo;

import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The demo database in the server's embedded PostgreSQL, which trusts local connections as the superuser
 * {@code postgres} (docs/SERVER.md): an application role owning the database, a monitoring role with
 * {@code pg_monitor} for the collector (as docs/COLLECTOR.md asks of any monitored server), pg_stat_statements,
 * and the workload's tables. Everything is created only when missing, so a second run reuses it.
 */
final class DemoDatabase {
    static final String DATABASE = "pganalytics_demo";
    static final String APPLICATION_ROLE = "demo_app";
    static final String MONITORING_ROLE = "pganalytics_monitor";

    private final int port;

    DemoDatabase(int port) {
        this.port = port;
    }

    /** Creates what is missing; returns whether the tables were created now (false: a previous run's data). */
    boolean prepare() throws SQLException {
        try (Connection c = dataSource("postgres", "postgres").getConnection(); Statement s = c.createStatement()) {
            if (!exists(s, "SELECT 1 FROM pg_roles WHERE rolname = '" + APPLICATION_ROLE + "'")) {
                s.execute("CREATE ROLE " + APPLICATION_ROLE + " LOGIN");
            }
            if (!exists(s, "SELECT 1 FROM pg_roles WHERE rolname = '" + MONITORING_ROLE + "'")) {
                s.execute("CREATE ROLE " + MONITORING_ROLE + " LOGIN");
            }
            s.execute("GRANT pg_monitor TO " + MONITORING_ROLE);
            if (!exists(s, "SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
                s.execute("CREATE DATABASE " + DATABASE + " OWNER " + APPLICATION_ROLE);
            }
        }
        try (Connection c = dataSource(DATABASE, "postgres").getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        }
        try (Connection c = dataSource(DATABASE, APPLICATION_ROLE).getConnection()) {
            return DemoSchema.create(c);
        }
    }

    /** The workload's connections: the application role on the demo database. */
    DataSource application() {
        return dataSource(DATABASE, APPLICATION_ROLE);
    }

    /** The collector's target, as its configuration takes it (no password: the embedded server trusts local connections). */
    String targetUrl() {
        return "postgresql://" + MONITORING_ROLE + "@127.0.0.1:" + port + "/" + DATABASE;
    }

    private DataSource dataSource(String database, String user) {
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setServerNames(new String[]{"127.0.0.1"});
        source.setPortNumbers(new int[]{port});
        source.setDatabaseName(database);
        source.setUser(user);
        source.setApplicationName("pganalytics-demo-workload");
        source.setConnectTimeout(10);
        return source;
    }

    private static boolean exists(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            return rs.next();
        }
    }
}
