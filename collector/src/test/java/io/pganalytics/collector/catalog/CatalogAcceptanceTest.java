package io.pganalytics.collector.catalog;

import io.pganalytics.collector.postgres.EmbeddedPostgresVersions;
import io.pganalytics.collector.postgres.EmbeddedPostgresVersions.Instance;
import io.pganalytics.collector.postgres.Workload;
import io.pganalytics.common.catalog.Column;
import io.pganalytics.common.catalog.ColumnRole;
import io.pganalytics.common.catalog.Family;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.common.wire.Snapshot;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The catalogue against real PostgreSQL 13 to 18 with pg_stat_statements loaded. */
class CatalogAcceptanceTest {
    static final List<Integer> MAJORS = EmbeddedPostgresVersions.MAJORS;
    private static final AtomicInteger DATABASES = new AtomicInteger();

    @ParameterizedTest(name = "PostgreSQL {0}")
    @FieldSource("MAJORS")
    void everyFamilyQueryRunsAndReturnsRowsOfItsCatalogueShape(int major) throws Exception {
        Instance pg = EmbeddedPostgresVersions.withPgStatStatements(major);
        String slot = "shape_slot_" + DATABASES.incrementAndGet();
        pg.execute("postgres", "SELECT pg_create_physical_replication_slot('" + slot + "', true)");
        try (Harness harness = new Harness(pg, "shape")) {
            for (FamilyCollector collector : harness.collectors.values()) {
                Availability availability = collector.availability(harness.capabilities);
                boolean expected = !collector.family().name().equals("io") || major >= 16;
                assertEquals(expected, availability.available(), collector.family().name() + ": " + availability);
            }
            harness.collectAll();
            pg.execute("postgres", "CREATE TABLE IF NOT EXISTS shape_t (id int PRIMARY KEY)", "INSERT INTO shape_t VALUES (1) ON CONFLICT DO NOTHING",
                    "SELECT count(*) FROM shape_t");
            Map<String, List<Snapshot>> second = harness.collectAll();
            for (String family : List.of("instance", "database", "activity", "wait_events", "statements", "tables",
                    "indexes", "bgwriter", "wal", "replication", "replication_slots", "wal_receiver", "locks", "vacuum", "archiver",
                    "host_cpu", "host_memory", "host_load", "host_filesystem")) {
                assertTrue(second.containsKey(family), "PostgreSQL " + major + ": no snapshot of " + family);
            }
            if (major >= 16) {
                assertTrue(second.containsKey("io"), "no io snapshot on " + major);
            }
            for (List<Snapshot> snapshots : second.values()) {
                for (Snapshot snapshot : snapshots) {
                    assertShape(snapshot);
                }
            }
            assertTrue(rows(second, "replication_slots").stream().anyMatch(r -> slot.equals(r.get(0))
                    && r.get(7) instanceof Long retained && retained >= 0), "slot with retained WAL");
            assertEquals(major, ((Long) rows(second, "instance").getFirst().get(1)).intValue() / 10000);
            assertFalse(rows(second, "statements").isEmpty(), "statements deltas");
        } finally {
            pg.execute("postgres", "SELECT pg_drop_replication_slot('" + slot + "')");
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @FieldSource("MAJORS")
    void databaseXactCommitDeltasMatchTheWorkloadsCommitsWithinFivePercent(int major) throws Exception {
        Instance pg = EmbeddedPostgresVersions.withPgStatStatements(major);
        String bench = "bench_" + DATABASES.incrementAndGet();
        pg.execute("postgres", "CREATE DATABASE " + bench);
        DataSource benchDb = pg.admin(bench);
        Workload.initialise(benchDb);
        try (Harness harness = new Harness(pg, "tps")) {
            awaitStableCommits(pg, bench);
            assertTrue(harness.collect("database").isEmpty(), "the first sample is a baseline");
            long start = System.nanoTime();
            CompletableFuture<Long> workload = CompletableFuture.supplyAsync(() -> {
                try {
                    return Workload.run(benchDb, 4, 400);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            });
            List<Snapshot> snapshots = new ArrayList<>();
            while (!workload.isDone()) {
                snapshots.addAll(harness.collect("database"));
                TimeUnit.MILLISECONDS.sleep(250);
            }
            long committed = workload.get();
            double workloadSeconds = (System.nanoTime() - start) / 1e9;
            // the workload's backends flush their statistics when they exit: poll until the counters settle
            long previous = -1;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                snapshots.addAll(harness.collect("database"));
                long sum = sumColumn(snapshots, bench, "xact_commit");
                if (sum >= committed * 0.95 && sum == previous) {
                    break;
                }
                previous = sum;
                TimeUnit.MILLISECONDS.sleep(600);
            }
            long sum = sumColumn(snapshots, bench, "xact_commit");
            assertNoNegativeCounters(snapshots);
            assertTrue(Math.abs(sum - committed) <= committed * 0.05,
                    "PostgreSQL " + major + ": xact_commit deltas " + sum + " vs " + committed + " committed");
            double seconds = snapshots.stream().filter(s -> s.intervalSeconds() != null).mapToDouble(Snapshot::intervalSeconds).sum();
            assertTrue(seconds >= workloadSeconds * 0.9, "the intervals cover the run: " + seconds + " s vs " + workloadSeconds + " s");
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @FieldSource("MAJORS")
    void lockWaitShowsUpInActivityAndInLocksAsABlockingChain(int major) throws Exception {
        Instance pg = EmbeddedPostgresVersions.withPgStatStatements(major);
        String db = "locks_" + DATABASES.incrementAndGet();
        pg.execute("postgres", "CREATE DATABASE " + db);
        pg.execute(db, "CREATE TABLE item (id int PRIMARY KEY, v int)", "INSERT INTO item VALUES (1, 0)");
        try (Harness harness = new Harness(pg, "locks");
             Connection holder = pg.admin(db).getConnection();
             Connection waiter = pg.admin(db).getConnection()) {
            holder.setAutoCommit(false);
            int holderPid = pid(holder);
            int waiterPid = pid(waiter);
            try (Statement s = holder.createStatement()) {
                s.executeUpdate("UPDATE item SET v = v + 1 WHERE id = 1");
            }
            CompletableFuture<Void> blocked = CompletableFuture.runAsync(() -> {
                try (Statement s = waiter.createStatement()) {
                    s.executeUpdate("UPDATE item SET v = v + 1 WHERE id = 1");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            try {
                List<Object> activity = pollFor(() -> rows(harness.collect("activity")).stream()
                        .filter(r -> db.equals(r.get(0)) && ((Long) r.get(7)) >= 1).findFirst().orElse(null));
                assertTrue((Long) activity.get(6) >= 1, "waiting count");
                List<Object> lock = pollFor(() -> rows(harness.collect("locks")).stream()
                        .filter(r -> r.get(0).equals((long) waiterPid)).findFirst().orElse(null));
                Family locks = MetricCatalog.LOCKS;
                assertEquals(db, lock.get(locks.indexOf("datname")));
                assertEquals(String.valueOf(holderPid), lock.get(locks.indexOf("blocking_pids")));
                assertEquals((long) holderPid, lock.get(locks.indexOf("root_pid")));
                assertEquals(1L, lock.get(locks.indexOf("chain_depth")));
                assertEquals("idle in transaction", lock.get(locks.indexOf("root_state")));
                assertEquals("Lock", lock.get(locks.indexOf("wait_event_type")));
                assertTrue(((Double) lock.get(locks.indexOf("wait_seconds"))) >= 0);
            } finally {
                holder.rollback();
                blocked.get(10, TimeUnit.SECONDS);
            }
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @FieldSource("MAJORS")
    void tableCreatedInASecondDatabaseShowsUpInTablesIndexesAndVacuum(int major) throws Exception {
        Instance pg = EmbeddedPostgresVersions.withPgStatStatements(major);
        String db = "second_" + DATABASES.incrementAndGet();
        pg.execute("postgres", "CREATE DATABASE " + db);
        pg.execute(db, "CREATE TABLE far_away (id int PRIMARY KEY, payload text)",
                "INSERT INTO far_away SELECT g, 'x' FROM generate_series(1, 500) g");
        try (Harness harness = new Harness(pg, "second")) {
            assertTrue(harness.collect("tables").isEmpty(), "the first sample is a baseline");
            assertTrue(harness.collect("indexes").isEmpty(), "the first sample is a baseline");
            pg.execute(db, "SELECT count(*) FROM far_away", "INSERT INTO far_away VALUES (501, 'y')");
            List<List<Object>> tables = pollFor(() -> {
                List<List<Object>> found = rows(harness.collect("tables")).stream()
                        .filter(r -> db.equals(r.get(0)) && "far_away".equals(r.get(2))).toList();
                return found.isEmpty() ? null : found;
            });
            List<Object> row = tables.getFirst();
            Family family = MetricCatalog.TABLES;
            assertEquals("public", row.get(family.indexOf("schemaname")));
            assertTrue((Long) row.get(family.indexOf("total_bytes")) > 0, "size");
            assertTrue(rows(harness.collect("indexes")).stream().anyMatch(r -> db.equals(r.get(0)) && "far_away_pkey".equals(r.get(3))));
            // vacuum lists the tables with the oldest XIDs of each database (a new table is among the youngest)
            assertTrue(rows(harness.collect("vacuum")).stream().anyMatch(r -> db.equals(r.get(0))
                    && r.get(3) instanceof Long age && age >= 0));
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @FieldSource("MAJORS")
    void statsResetsMidRunProduceNoNegativeAndNoGiantDelta(int major) throws Exception {
        Instance pg = EmbeddedPostgresVersions.withPgStatStatements(major);
        String bench = "reset_" + DATABASES.incrementAndGet();
        pg.execute("postgres", "CREATE DATABASE " + bench);
        DataSource benchDb = pg.admin(bench);
        Workload.initialise(benchDb);
        List<String> families = new ArrayList<>(List.of("database", "statements", "tables", "indexes", "bgwriter", "wal"));
        if (major >= 16) {
            families.add("io");
        }
        try (Harness harness = new Harness(pg, "reset")) {
            awaitStableCommits(pg, bench);
            collect(harness, families);
            long before = commits(pg, bench);
            long phaseA = Workload.run(benchDb, 2, 300);
            awaitCommits(pg, bench, before + phaseA);
            List<Snapshot> a = collect(harness, families);

            Instant resetBefore = statsReset(pg, bench);
            pg.execute("postgres", "SELECT pg_stat_statements_reset()");
            pg.execute(bench, "SELECT pg_stat_reset()");
            pollFor(() -> {
                Instant now = statsReset(pg, bench);
                return now != null && !now.equals(resetBefore) ? now : null;
            });
            long phaseB = Workload.run(benchDb, 2, 450);
            awaitCommits(pg, bench, phaseB);
            List<Snapshot> b = collect(harness, families);

            long beforeC = commits(pg, bench);
            long phaseC = Workload.run(benchDb, 2, 150);
            awaitCommits(pg, bench, beforeC + phaseC);
            List<Snapshot> c = collect(harness, families);

            for (List<Snapshot> snapshots : List.of(a, b, c)) {
                assertNoNegativeCounters(snapshots);
            }
            long largestPhase = Math.max(phaseA, Math.max(phaseB, phaseC));
            for (List<Snapshot> snapshots : List.of(a, b, c)) {
                long commitsDelta = sumColumn(snapshots, bench, "xact_commit");
                assertTrue(commitsDelta <= largestPhase * 1.05 + 20, "giant xact_commit delta " + commitsDelta);
                for (List<Object> row : rowsOf(snapshots, "statements")) {
                    long calls = (Long) row.get(MetricCatalog.STATEMENTS.indexOf("calls"));
                    assertTrue(calls <= largestPhase * 1.05 + 200, "giant calls delta " + calls + " in " + row);
                }
            }
            assertEquals(0, sumColumn(b, bench, "xact_commit"), "the interval with pg_stat_reset() is dropped for " + bench);
            assertEquals(phaseA, sumColumn(a, bench, "xact_commit"), phaseA * 0.05 + 5);
            assertEquals(phaseC, sumColumn(c, bench, "xact_commit"), phaseC * 0.05 + 5);
            long updateCalls = rowsOf(c, "statements").stream()
                    .filter(r -> r.get(2) instanceof Long id && id != 0L)
                    .mapToLong(r -> (Long) r.get(MetricCatalog.STATEMENTS.indexOf("calls")))
                    .max().orElse(0);
            assertEquals(phaseC, updateCalls, phaseC * 0.05 + 5, "calls of the busiest statement after the reset");
        }
    }

    /** PostgreSQL 18's pg_stat_statements stores query texts without their leading comment: see docs/COLLECTOR.md. */
    static final List<Integer> MAJORS_KEEPING_LEADING_COMMENTS = MAJORS.stream().filter(m -> m < 18).toList();

    @ParameterizedTest(name = "PostgreSQL {0}")
    @FieldSource("MAJORS_KEEPING_LEADING_COMMENTS")
    void everyStatementTheCollectorSendsIsTagged(int major) throws Exception {
        Instance pg = EmbeddedPostgresVersions.withPgStatStatements(major);
        try (Harness harness = new Harness(pg, "tags")) {
            harness.collectAll();
            harness.collectAll();
        }
        Set<String> untagged = new TreeSet<>();
        try (Connection c = pg.admin("postgres").getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT query FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid "
                     + "WHERE r.rolname = '" + EmbeddedPostgresVersions.COLLECTOR_ROLE + "'")) {
            while (rs.next()) {
                String query = rs.getString(1);
                if (!query.startsWith("/* pganalytics */") && !DRIVER_STATEMENTS.contains(query.strip())) {
                    untagged.add(query);
                }
            }
        }
        assertTrue(untagged.isEmpty(), "untagged statements: " + untagged);
    }

    /** Statements pgjdbc and HikariCP send on their own when a connection is set up. */
    private static final Set<String> DRIVER_STATEMENTS = Set.of("SHOW TRANSACTION ISOLATION LEVEL");

    // ---- helpers

    private static List<Snapshot> collect(Harness harness, List<String> families) throws Exception {
        List<Snapshot> out = new ArrayList<>();
        for (String family : families) {
            out.addAll(harness.collect(family));
        }
        return out;
    }

    static void assertShape(Snapshot snapshot) {
        Family family = MetricCatalog.byName(snapshot.family()).orElseThrow();
        assertEquals(family.columnNames(), snapshot.columns(), snapshot.family());
        assertEquals(family.hasCounters(), snapshot.intervalSeconds() != null, snapshot.family() + " interval");
        for (List<Object> row : snapshot.rows()) {
            assertEquals(family.columns().size(), row.size(), snapshot.family() + " row width");
            for (int i = 0; i < row.size(); i++) {
                Object value = row.get(i);
                Column column = family.columns().get(i);
                if (value == null) {
                    continue;
                }
                Class<?> expected = switch (column.type()) {
                    case TEXT -> String.class;
                    case INT8 -> Long.class;
                    case FLOAT8 -> Double.class;
                    case BOOL -> Boolean.class;
                    case TIMESTAMPTZ -> Instant.class;
                };
                assertInstanceOf(expected, value, snapshot.family() + "." + column.name());
                if (column.role() == ColumnRole.COUNTER) {
                    assertTrue(((Number) value).doubleValue() >= 0, snapshot.family() + "." + column.name() + " negative: " + value);
                }
            }
        }
    }

    static void assertNoNegativeCounters(List<Snapshot> snapshots) {
        snapshots.forEach(CatalogAcceptanceTest::assertShape);
    }

    private static long sumColumn(List<Snapshot> snapshots, String datname, String column) {
        int index = MetricCatalog.DATABASE.indexOf(column);
        return rowsOf(snapshots, "database").stream().filter(r -> datname.equals(r.getFirst()))
                .mapToLong(r -> (Long) r.get(index)).sum();
    }

    private static List<List<Object>> rowsOf(List<Snapshot> snapshots, String family) {
        return snapshots.stream().filter(s -> s.family().equals(family)).flatMap(s -> s.rows().stream()).toList();
    }

    private static List<List<Object>> rows(Map<String, List<Snapshot>> byFamily, String family) {
        return byFamily.getOrDefault(family, List.of()).stream().flatMap(s -> s.rows().stream()).toList();
    }

    private static List<List<Object>> rows(List<Snapshot> snapshots) {
        return snapshots.stream().flatMap(s -> s.rows().stream()).toList();
    }

    private static int pid(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static long commits(Instance pg, String db) throws SQLException {
        try (Connection c = pg.admin("postgres").getConnection();
             PreparedStatement s = c.prepareStatement("SELECT xact_commit FROM pg_stat_database WHERE datname = ?")) {
            s.setString(1, db);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static Instant statsReset(Instance pg, String db) throws SQLException {
        try (Connection c = pg.admin("postgres").getConnection();
             PreparedStatement s = c.prepareStatement("SELECT stats_reset FROM pg_stat_database WHERE datname = ?")) {
            s.setString(1, db);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                var time = rs.getObject(1, java.time.OffsetDateTime.class);
                return time == null ? null : time.toInstant();
            }
        }
    }

    /** Waits until the database's xact_commit reached at least the given value (statistics are flushed lazily). */
    private static void awaitCommits(Instance pg, String db, long atLeast) throws Exception {
        pollFor(() -> commits(pg, db) >= atLeast ? Boolean.TRUE : null);
    }

    /** Waits until nothing else is still flushing commits into the database's statistics. */
    private static void awaitStableCommits(Instance pg, String db) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long last = commits(pg, db);
        while (System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(700);
            long now = commits(pg, db);
            if (now == last) {
                return;
            }
            last = now;
        }
        fail("statistics of " + db + " never settled");
    }

    @FunctionalInterface
    interface Probe<T> {
        T get() throws Exception;
    }

    /** Polls until the probe returns non-null, for at most 30 s. */
    static <T> T pollFor(Probe<T> probe) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            T value = probe.get();
            if (value != null) {
                return value;
            }
            if (System.nanoTime() > deadline) {
                fail("condition not met within 30 s");
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }
}
