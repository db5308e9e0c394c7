package io.pganalytics.tools.demo;

import io.pganalytics.collector.postgres.EmbeddedPostgresVersions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The demo workload's parts against a real PostgreSQL 17 with pg_stat_statements. */
class DemoWorkloadTest {
    private static EmbeddedPostgresVersions.Instance postgres;
    private static DataSource demo;

    @BeforeAll
    static void createDemoDatabase() throws SQLException {
        postgres = EmbeddedPostgresVersions.withPgStatStatements(17);
        postgres.execute("postgres", "DROP DATABASE IF EXISTS demo_workload_test", "CREATE DATABASE demo_workload_test");
        demo = postgres.admin("demo_workload_test");
        try (Connection c = demo.getConnection()) {
            assertTrue(DemoSchema.create(c), "created on an empty database");
        }
    }

    @Test
    void theSchemaIsCreatedOnceAndASecondRunKeepsItsData() throws SQLException {
        try (Connection c = demo.getConnection()) {
            assertFalse(DemoSchema.create(c), "a second run finds the tables");
            assertEquals(DemoSchema.ORDERS, number(c, "SELECT count(*) FROM demo_orders"));
            assertEquals(DemoSchema.ACCOUNTS, number(c, "SELECT count(*) FROM pgbench_accounts"));
        }
    }

    @Test
    void theLookupByCustomerEmailIsASequentialScanOfTheWholeOrdersTable() throws SQLException {
        try (Connection c = demo.getConnection(); Statement s = c.createStatement();
             ResultSet plan = s.executeQuery("EXPLAIN " + DemoWorkload.LOOKUP.replace("?", "'customer7@example.com'"))) {
            StringBuilder text = new StringBuilder();
            while (plan.next()) {
                text.append(plan.getString(1)).append('\n');
            }
            assertTrue(text.toString().contains("Seq Scan on demo_orders"), text.toString());
            assertEquals(DemoSchema.ORDERS / DemoSchema.CUSTOMERS, DemoWorkload.lookup(c), "every order of the customer");
        }
    }

    @Test
    void aTpcbTransactionMovesTheSameAmountOnAccountTellerBranchAndHistory() throws SQLException {
        try (Connection c = demo.getConnection()) {
            for (int i = 0; i < 50; i++) {
                DemoWorkload.tpcbTransaction(c);
            }
            c.setAutoCommit(true);
            long accounts = number(c, "SELECT sum(abalance) FROM pgbench_accounts");
            assertEquals(accounts, number(c, "SELECT sum(tbalance) FROM pgbench_tellers"));
            assertEquals(accounts, number(c, "SELECT sum(bbalance) FROM pgbench_branches"));
            assertEquals(accounts, number(c, "SELECT sum(delta) FROM pgbench_history"));
            assertTrue(number(c, "SELECT count(*) FROM pgbench_history") >= 50);
        }
    }

    @Test
    void theSlowReportTakesAtLeastItsSleepAndReturnsADayPerRow() throws SQLException {
        try (Connection c = demo.getConnection()) {
            long start = System.nanoTime();
            int days = DemoWorkload.slowReport(c, Duration.ofMillis(700));
            assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() >= 700);
            assertEquals(number(c, "SELECT count(DISTINCT date_trunc('day', created_at)) FROM demo_orders"), days);
        }
    }

    @Test
    void aLockWaitMakesASecondSessionWaitOnTheRowLockUntilTheHolderCommits() throws Exception {
        try (Connection holder = demo.getConnection(); Connection observer = demo.getConnection()) {
            CompletableFuture<Duration> waited = CompletableFuture.supplyAsync(() -> {
                try {
                    return DemoWorkload.lockWait(demo, holder, Duration.ofSeconds(3), 7);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            boolean seenWaiting = false;
            long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (!seenWaiting && System.nanoTime() < deadline) {
                seenWaiting = number(observer, "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                        + " AND query LIKE 'UPDATE demo_inventory%'") > 0;
                Thread.sleep(100);
            }
            assertTrue(seenWaiting, "pg_stat_activity shows the update waiting on a lock");
            assertTrue(waited.get().toMillis() >= 2_000, "the update waited for the holder: " + waited.get());
        }
    }

    @Test
    void everyPartRunsAndAppearsInPgStatStatementsUnderItsMarker() throws Exception {
        DemoWorkload.Settings fast = new DemoWorkload.Settings(2, Duration.ofMillis(5), Duration.ofSeconds(1),
                Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofMillis(300), Duration.ofMillis(200));
        try (DemoWorkload workload = DemoWorkload.start(demo, fast)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (workload.counts().values().stream().anyMatch(n -> n == 0) && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertTrue(workload.counts().values().stream().allMatch(n -> n > 0), "every part ran: " + workload.counts());
            assertEquals(0, workload.failures());
        }
        List<String> missing = new ArrayList<>();
        try (Connection c = postgres.admin("postgres").getConnection()) {
            for (DemoWorkload.Part part : DemoWorkload.Part.values()) {
                if (number(c, "SELECT count(*) FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid"
                        + " WHERE d.datname = 'demo_workload_test' AND s.query LIKE '%" + part.marker() + "%'") == 0) {
                    missing.add(part.name());
                }
            }
        }
        assertTrue(missing.isEmpty(), "parts missing from pg_stat_statements: " + missing);
    }

    private static long number(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
