package io.pganalytics.collector.catalog;

import io.pganalytics.collector.postgres.EmbeddedPostgresVersions;
import io.pganalytics.collector.postgres.EmbeddedPostgresVersions.Instance;
import io.pganalytics.collector.target.TargetConnections;
import io.pganalytics.collector.target.TargetSpec;
import io.pganalytics.common.catalog.Family;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.common.wire.Snapshot;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.pganalytics.collector.catalog.CatalogAcceptanceTest.pollFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The activity, wait-event and locks families against real PostgreSQL 13 to 18: the collector's own sessions are not
 * part of the workload it reports, durations are never negative, and a backend running on CPU is a wait sample.
 */
@Tag("fault-and-attack")
class ActivityAndWaitsTest {
    static final List<Integer> MAJORS = EmbeddedPostgresVersions.MAJORS;
    private static final AtomicInteger DATABASES = new AtomicInteger();

    /** A target whose both sessions (the pool's and the per-database slot's) sit in the given database. */
    private static TargetSpec targetOn(Instance pg, String db) {
        TargetSpec base = pg.target("own");
        return new TargetSpec(base.name(), base.host(), base.port(), db, base.user(), base.password(), List.of(db), List.of(),
                0, Map.of());
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @FieldSource("MAJORS")
    void theCollectorsOwnSessionsAreNotCountedInActivity(int major) throws Exception {
        Instance pg = EmbeddedPostgresVersions.withPgStatStatements(major);
        String db = "own_" + DATABASES.incrementAndGet();
        pg.execute("postgres", "CREATE DATABASE " + db);
        pg.execute(db, "CREATE TABLE t (id int PRIMARY KEY)");
        try (Harness harness = new Harness(targetOn(pg, db))) {
            harness.collect("tables"); // opens the per-database session, which stays connected to db
            assertEquals(2L, collectorSessions(pg, db), "both collector sessions are connected to " + db);
            List<Object> idle = activityRow(harness, db);
            assertEquals(0L, idle.get(MetricCatalog.ACTIVITY.indexOf("total")), "no client but the collector: " + idle);
            try (Connection client = pg.admin(db).getConnection()) {
                client.createStatement().execute("SELECT 1");
                List<Object> one = activityRow(harness, db);
                assertEquals(1L, one.get(MetricCatalog.ACTIVITY.indexOf("total")), "one client: " + one);
                assertEquals(1L, one.get(MetricCatalog.ACTIVITY.indexOf("idle")), "one idle client: " + one);
            }
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @FieldSource("MAJORS")
    void durationsAreNeverNegativeWhenSessionsStartedAfterTheCollectorsTransaction(int major) throws Exception {
        Instance pg = EmbeddedPostgresVersions.withPgStatStatements(major);
        String db = "clock_" + DATABASES.incrementAndGet();
        pg.execute("postgres", "CREATE DATABASE " + db);
        pg.execute(db, "CREATE TABLE item (id int PRIMARY KEY, v int)", "INSERT INTO item VALUES (1, 0)");
        try (Connection observer = DriverManager.getConnection("jdbc:postgresql://localhost:" + pg.port() + "/postgres",
                EmbeddedPostgresVersions.COLLECTOR_ROLE, EmbeddedPostgresVersions.COLLECTOR_PASSWORD);
             Connection holder = pg.admin(db).getConnection();
             Connection waiter = pg.admin(db).getConnection();
             Connection watcher = pg.admin("postgres").getConnection()) {
            // The observer's transaction starts first, as the collector's does: now() is fixed before the others begin.
            observer.setAutoCommit(false);
            observer.createStatement().execute("SELECT now()");
            holder.setAutoCommit(false);
            holder.createStatement().executeUpdate("UPDATE item SET v = v + 1 WHERE id = 1");
            int waiterPid = pid(waiter);
            CompletableFuture<Void> blocked = CompletableFuture.runAsync(() -> {
                try (Statement s = waiter.createStatement()) {
                    s.executeUpdate("UPDATE item SET v = v + 1 WHERE id = 1");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            try {
                pollFor(() -> waitsOnLock(watcher, waiterPid) ? Boolean.TRUE : null);
                List<List<Object>> activity = run(observer, Queries.ACTIVITY.getFirst().sql());
                List<Object> row = activity.stream().filter(r -> db.equals(r.getFirst())).findFirst().orElseThrow();
                Family family = MetricCatalog.ACTIVITY;
                for (String column : List.of("longest_transaction_seconds", "longest_query_seconds",
                        "longest_idle_in_transaction_seconds")) {
                    Object value = row.get(family.indexOf(column));
                    assertNotNull(value, column + " in " + row);
                    assertTrue(((Number) value).doubleValue() >= 0, column + " negative: " + value + " in " + row);
                }
                SqlVariant locksSql = Queries.LOCKS.stream().filter(v -> major >= v.fromMajor() && major <= v.toMajor())
                        .findFirst().orElseThrow();
                List<List<Object>> locks = run(observer, locksSql.sql());
                List<Object> waiting = locks.stream().filter(r -> ((Number) r.getFirst()).intValue() == waiterPid)
                        .findFirst().orElseThrow();
                for (int column : new int[]{8, 9}) { // transaction seconds, wait seconds
                    assertNotNull(waiting.get(column), "column " + column + " of " + waiting);
                    assertTrue(((Number) waiting.get(column)).doubleValue() >= 0, "column " + column + " negative in " + waiting);
                }
            } finally {
                observer.rollback();
                holder.rollback();
                blocked.get(10, TimeUnit.SECONDS);
            }
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @FieldSource("MAJORS")
    void aBackendBusyOnCpuIsSampledAsCpu(int major) throws Exception {
        Instance pg = EmbeddedPostgresVersions.withPgStatStatements(major);
        String db = "cpu_" + DATABASES.incrementAndGet();
        pg.execute("postgres", "CREATE DATABASE " + db);
        try (Harness harness = new Harness(targetOn(pg, db)); Connection busy = pg.admin(db).getConnection()) {
            Statement statement = busy.createStatement();
            statement.execute("SET statement_timeout = '60s'");
            CompletableFuture<Void> running = CompletableFuture.runAsync(() -> {
                try {
                    statement.executeQuery("SELECT count(*) FROM generate_series(1, 100000) a, generate_series(1, 100000) b");
                } catch (SQLException e) {
                    // cancelled at the end of the test
                }
            });
            try {
                Family family = MetricCatalog.WAIT_EVENTS;
                List<Object> cpu = pollFor(() -> rows(harness.collect("wait_events")).stream()
                        .filter(r -> db.equals(r.get(family.indexOf("datname")))
                                && "client backend".equals(r.get(family.indexOf("backend_type")))
                                && r.get(family.indexOf("wait_event_type")) == null
                                && r.get(family.indexOf("wait_event")) == null)
                        .findFirst().orElse(null));
                assertEquals(1L, cpu.get(family.indexOf("backends")), "one backend on CPU: " + cpu);
                // the collector's own session (active, not waiting, while it reads) is never a CPU sample
                assertTrue(rows(harness.collect("wait_events")).stream().noneMatch(r -> "postgres".equals(r.getFirst())
                        && r.get(family.indexOf("wait_event_type")) == null), "the collector's own session counted");
            } finally {
                statement.cancel();
                running.get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static List<Object> activityRow(Harness harness, String db) throws Exception {
        return rows(harness.collect("activity")).stream().filter(r -> db.equals(r.getFirst())).findFirst()
                .orElseThrow(() -> new AssertionError("no activity row for " + db));
    }

    private static long collectorSessions(Instance pg, String db) throws SQLException {
        try (Connection c = pg.admin("postgres").getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = '" + db
                     + "' AND application_name = '" + TargetConnections.APPLICATION_NAME + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static boolean waitsOnLock(Connection watcher, int pid) throws SQLException {
        try (Statement s = watcher.createStatement();
             ResultSet rs = s.executeQuery("SELECT wait_event_type FROM pg_stat_activity WHERE pid = " + pid)) {
            return rs.next() && "Lock".equals(rs.getString(1));
        }
    }

    private static List<List<Object>> run(Connection connection, String sql) throws SQLException {
        List<List<Object>> out = new ArrayList<>();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int width = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= width; i++) {
                    row.add(rs.getObject(i));
                }
                out.add(row);
            }
        }
        return out;
    }

    private static int pid(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static List<List<Object>> rows(List<Snapshot> snapshots) {
        return snapshots.stream().flatMap(s -> s.rows().stream()).toList();
    }
}
