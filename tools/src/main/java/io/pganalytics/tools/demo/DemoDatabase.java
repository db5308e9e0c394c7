package io.pganalytics.tools.demo;

import org.postgresql.ds.PGSimpleDataSource;
import org.postgresql.util.PasswordUtil;

import javax.sql.DataSource;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The demo database in the server's embedded PostgreSQL, set up as its superuser {@code postgres} with the password
 * the server keeps in {@code <data-dir>/postgres-superuser-password} (docs/SERVER.md): an application role owning the
 * database, a monitoring role with {@code pg_monitor} for the collector (as docs/COLLECTOR.md asks of any monitored
 * server), pg_stat_statements, and the workload's tables. Everything is created only when missing, so a second run
 * reuses it; both roles get new passwords at each run (sent as SCRAM verifiers), the collector's saved owner-only
 * for its configuration's {@code password-file}.
 */
final class DemoDatabase {
    static final String DATABASE = "pganalytics_demo";
    static final String APPLICATION_ROLE = "demo_app";
    static final String MONITORING_ROLE = "pganalytics_monitor";

    private final int port;
    private final String superuserPassword;
    private final String applicationPassword;
    private final String monitoringPassword;

    DemoDatabase(int port, String superuserPassword, SecureRandom random) {
        this.port = port;
        this.superuserPassword = superuserPassword;
        this.applicationPassword = DemoDirectory.randomPassword(random, 32);
        this.monitoringPassword = DemoDirectory.randomPassword(random, 32);
    }

    /** Creates what is missing; returns whether the tables were created now (false: a previous run's data). */
    boolean prepare() throws SQLException {
        try (Connection c = dataSource("postgres", "postgres", superuserPassword).getConnection(); Statement s = c.createStatement()) {
            if (!exists(s, "SELECT 1 FROM pg_roles WHERE rolname = '" + APPLICATION_ROLE + "'")) {
                s.execute("CREATE ROLE " + APPLICATION_ROLE + " LOGIN");
            }
            if (!exists(s, "SELECT 1 FROM pg_roles WHERE rolname = '" + MONITORING_ROLE + "'")) {
                s.execute("CREATE ROLE " + MONITORING_ROLE + " LOGIN");
            }
            s.execute(PasswordUtil.genAlterUserPasswordSQL(APPLICATION_ROLE, applicationPassword.toCharArray(), "scram-sha-256"));
            s.execute(PasswordUtil.genAlterUserPasswordSQL(MONITORING_ROLE, monitoringPassword.toCharArray(), "scram-sha-256"));
            s.execute("GRANT pg_monitor TO " + MONITORING_ROLE);
            if (!exists(s, "SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
                s.execute("CREATE DATABASE " + DATABASE + " OWNER " + APPLICATION_ROLE);
            }
        }
        try (Connection c = dataSource(DATABASE, "postgres", superuserPassword).getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        }
        try (Connection c = application().getConnection()) {
            return DemoSchema.create(c);
        }
    }

    /** The workload's connections: the application role on the demo database. */
    DataSource application() {
        return dataSource(DATABASE, APPLICATION_ROLE, applicationPassword);
    }

    /** The collector's target, as its configuration takes it (the password goes in its password-file). */
    String targetUrl() {
        return "postgresql://" + MONITORING_ROLE + "@127.0.0.1:" + port + "/" + DATABASE;
    }

    /** The monitoring role's password, for the collector's password-file. */
    String monitoringPassword() {
        return monitoringPassword;
    }

    private DataSource dataSource(String database, String user, String password) {
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setServerNames(new String[]{"127.0.0.1"});
        source.setPortNumbers(new int[]{port});
        source.setDatabaseName(database);
        source.setUser(user);
        source.setPassword(password);
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
