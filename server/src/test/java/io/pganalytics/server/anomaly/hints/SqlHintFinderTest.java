package io.pganalytics.server.anomaly.hints;

import io.pganalytics.common.anomaly.AnomalyHint;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.anomaly.HintFinder;
import io.pganalytics.server.anomaly.HintFinder.Context;
import io.pganalytics.server.anomaly.HintFinder.Move;
import io.pganalytics.server.query.SeriesData;
import io.pganalytics.server.series.SeriesSchema.Resolution;
import io.pganalytics.server.series.StatementTexts;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.pganalytics.server.query.SeriesData.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Root-cause hints from data put into the real time-series tables (as ingest leaves them): a statement regression, a new
 * statement, a setting change, a blocking chain and an autovacuum run planted around one anomaly window; metric moves
 * ranked by timing; the bound; an empty window.
 */
class SqlHintFinderTest {
    private static final long REGRESSED = 1001;
    private static final long STEADY = 1002;
    private static final long NEW = 2002;
    private static final long WAITER = 3003;
    private static final long ROOT_QUERY = 3004;
    private static final String REGRESSED_TEXT = "SELECT * FROM orders WHERE customer_id = $1";
    private static final String NEW_TEXT = "INSERT INTO audit_log (who, what) VALUES ($1, $2)";
    private static final String WAITER_TEXT = "UPDATE accounts SET balance = balance - $1 WHERE id = $2";
    private static final String ROOT_TEXT = "UPDATE accounts SET frozen = true WHERE branch = $1";

    private static PgAnalyticsServer server;
    private static SeriesData data;
    private static HintFinder finder;
    private static Instant now;
    private static Instant from;
    private static Instant startedAt;
    private static Instant to;
    private static long planted;
    private static long empty;
    private static long unreadable;

    @BeforeAll
    static void start() {
        server = TestServers.start("anomaly_hints");
        data = new SeriesData(server);
        finder = new SqlHintFinder(server.crypto().sealer());
        now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        from = now.minus(35, ChronoUnit.MINUTES);
        startedAt = now.minus(20, ChronoUnit.MINUTES);
        to = now.minus(5, ChronoUnit.MINUTES);
        planted = data.instance("planted", now, now, false);
        empty = data.instance("empty", now, now, false);
        unreadable = data.instance("unreadable", now, now, false);
        plantStatements();
        plantSettings();
        plantLocks();
        plantVacuum();
        plantUnreadableText();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Per minute over the baseline and the window: a statement that regresses 3 minutes before the anomaly, a steady one, a new one. */
    private static void plantStatements() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Instant at = from.minus(30, ChronoUnit.MINUTES); !at.isAfter(to); at = at.plusSeconds(60)) {
            boolean slow = !at.isBefore(startedAt.minus(3, ChronoUnit.MINUTES));
            rows.add(statement(at, REGRESSED, 100, slow ? 100 * 38.0 : 100 * 0.4));
            rows.add(statement(at, STEADY, 50, 50 * 0.2));
            if (!at.isBefore(startedAt.minus(5, ChronoUnit.MINUTES))) {
                rows.add(statement(at, NEW, 20, 20 * 5.0));
            }
        }
        data.insert(MetricCatalog.STATEMENTS, Resolution.RAW, rows);
        data.insertText(planted, 16384, REGRESSED, "app", REGRESSED_TEXT);
        data.insertText(planted, 16384, STEADY, "app", "SELECT 1");
        sealedText(planted, 16384, NEW, NEW_TEXT);
        data.insertText(planted, 16384, WAITER, "app", WAITER_TEXT);
        data.insertText(planted, 16384, ROOT_QUERY, "app", ROOT_TEXT);
    }

    private static Map<String, Object> statement(Instant at, long queryid, long calls, double totalMs) {
        return row("instance_id", planted, "collected_at", at, "interval_seconds", 60.0, "dbid", 16384L, "userid", 10L,
                "queryid", queryid, "toplevel", true, "datname", "app", "username", "app", "calls", calls,
                "total_exec_time", totalMs);
    }

    /** A new statement whose stored text was sealed for another row, so it cannot be opened for this one. */
    private static void plantUnreadableText() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Instant at = startedAt.minus(5, ChronoUnit.MINUTES); !at.isAfter(to); at = at.plusSeconds(60)) {
            rows.add(row("instance_id", unreadable, "collected_at", at, "interval_seconds", 60.0, "dbid", 16384L, "userid", 10L,
                    "queryid", NEW, "toplevel", true, "datname", "app", "username", "app", "calls", 10L, "total_exec_time", 50.0));
        }
        data.insert(MetricCatalog.STATEMENTS, Resolution.RAW, rows);
        sealedText(unreadable, 16384, NEW, StatementTexts.rowKey(unreadable, 16384, NEW + 1), NEW_TEXT);
    }

    /** The text stored sealed, as ingest does under {@code encryption.statement-texts}. */
    private static void sealedText(long instanceId, long dbid, long queryid, String query) {
        sealedText(instanceId, dbid, queryid, StatementTexts.rowKey(instanceId, dbid, queryid), query);
    }

    private static void sealedText(long instanceId, long dbid, long queryid, String rowKey, String query) {
        byte[] sealed = server.crypto().sealer().sealText(StatementTexts.SEALED.context(rowKey), query);
        try (Connection c = server.database().dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO ts.statement_text (instance_id, dbid, queryid, datname,"
                     + " query_sealed, first_seen_at) VALUES (?, ?, ?, 'app', ?, ?)")) {
            ps.setLong(1, instanceId);
            ps.setLong(2, dbid);
            ps.setLong(3, queryid);
            ps.setBytes(4, sealed);
            ps.setTimestamp(5, Timestamp.from(startedAt.minus(5, ChronoUnit.MINUTES)));
            ps.executeUpdate();
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Key settings sent on change: work_mem raised 5 minutes into the window, shared_buffers unchanged. */
    private static void plantSettings() {
        List<Map<String, Object>> rows = new ArrayList<>();
        Instant before = from.minus(60, ChronoUnit.MINUTES);
        Instant changed = from.plus(5, ChronoUnit.MINUTES);
        rows.add(setting(before, "work_mem", "4096", "kB"));
        rows.add(setting(before, "shared_buffers", "16384", "8kB"));
        rows.add(setting(changed, "work_mem", "65536", "kB"));
        rows.add(setting(changed, "shared_buffers", "16384", "8kB"));
        data.insert(MetricCatalog.SETTINGS, Resolution.RAW, rows);
    }

    private static Map<String, Object> setting(Instant at, String name, String value, String unit) {
        return row("instance_id", planted, "collected_at", at, "interval_seconds", 3600.0, "name", name, "setting", value,
                "unit", unit, "source", "configuration file", "pending_restart", false);
    }

    /**
     * A blocking chain every 10 s from 2 minutes before the anomaly: three backends wait on pid 4242, an idle-in-transaction
     * batch job. In the first sample pid 4242 itself still waited (on 4000) with its own statement, so its query is known.
     */
    private static void plantLocks() {
        List<Map<String, Object>> rows = new ArrayList<>();
        Instant first = startedAt.minus(2, ChronoUnit.MINUTES);
        rows.add(lock(first.minusSeconds(10), 4242, 4000, "active", ROOT_QUERY, 1.0));
        int k = 0;
        for (Instant at = first; at.isBefore(startedAt.plus(5, ChronoUnit.MINUTES)); at = at.plusSeconds(10), k++) {
            for (long pid = 5001; pid <= 5003; pid++) {
                rows.add(lock(at, pid, 4242, "idle in transaction", WAITER, 10.0 * k + pid - 5000));
            }
        }
        data.insert(MetricCatalog.LOCKS, Resolution.RAW, rows);
    }

    private static Map<String, Object> lock(Instant at, long pid, long root, String rootState, long queryId, double waitSeconds) {
        return row("instance_id", planted, "collected_at", at, "interval_seconds", 10.0, "pid", pid, "datname", "app",
                "usename", "app", "application_name", "web", "wait_event_type", "Lock", "wait_event", "transactionid",
                "blocking_pids", Long.toString(root), "root_pid", root, "root_state", rootState,
                "root_application_name", "batch-job", "query_id", queryId, "wait_seconds", waitSeconds, "chain_depth", 1L,
                "root_transaction_seconds", 300.0);
    }

    /** An autovacuum of public.orders running in the window while its dead tuples pile up, and its run counted. */
    private static void plantVacuum() {
        List<Map<String, Object>> vacuum = new ArrayList<>();
        Instant begin = startedAt.plus(2, ChronoUnit.MINUTES);
        for (int k = 0; k < 4; k++) {
            vacuum.add(row("instance_id", planted, "collected_at", begin.plusSeconds(60L * k), "interval_seconds", 60.0,
                    "datname", "app", "schemaname", "public", "relname", "orders", "xid_age", 1000L, "phase", "scanning heap",
                    "heap_blks_total", 100_000L, "heap_blks_scanned", 20_000L * (k + 1)));
            vacuum.add(row("instance_id", planted, "collected_at", begin.plusSeconds(60L * k), "interval_seconds", 60.0,
                    "datname", "app", "schemaname", "public", "relname", "customers", "xid_age", 900L));
        }
        data.insert(MetricCatalog.VACUUM, Resolution.RAW, vacuum);
        List<Map<String, Object>> tables = new ArrayList<>();
        int k = 0;
        for (Instant at = from; !at.isAfter(to); at = at.plus(5, ChronoUnit.MINUTES), k++) {
            tables.add(row("instance_id", planted, "collected_at", at, "interval_seconds", 300.0, "datname", "app",
                    "schemaname", "public", "relname", "orders", "n_live_tup", 1_000_000L, "n_dead_tup", 1_000L + 40_000L * k,
                    "autovacuum_count", k == 4 ? 1L : 0L, "vacuum_count", 0L));
            tables.add(row("instance_id", planted, "collected_at", at, "interval_seconds", 300.0, "datname", "app",
                    "schemaname", "public", "relname", "customers", "n_live_tup", 50_000L, "n_dead_tup", 10L,
                    "autovacuum_count", 0L, "vacuum_count", 0L));
        }
        data.insert(MetricCatalog.TABLES, Resolution.RAW, tables);
    }

    private static List<AnomalyHint> hints(long instanceId, String series, List<Move> moves, int max) throws SQLException {
        try (Connection c = server.database().dataSource().getConnection()) {
            try {
                return finder.hints(c, new Context(instanceId, 1, series, from, startedAt, to, moves), max);
            } finally {
                c.rollback();
            }
        }
    }

    private static AnomalyHint byRef(List<AnomalyHint> hints, String ref) {
        return hints.stream().filter(h -> h.ref().equals(ref)).findFirst()
                .orElseThrow(() -> new AssertionError("no hint " + ref + " in " + hints));
    }

    @Test
    void aPlantedStatementRegressionIsRankedFirstForItsLatencyAnomalyAndNamesItsText() throws SQLException {
        List<AnomalyHint> hints = hints(planted, "statement_latency_ms:" + REGRESSED,
                List.of(new Move("tps", startedAt.minus(10, ChronoUnit.MINUTES), 9.0)), 10);
        AnomalyHint first = hints.getFirst();
        assertEquals(AnomalyHint.STATEMENT, first.type(), hints.toString());
        assertEquals("query:" + REGRESSED, first.ref());
        assertEquals(1, first.rank());
        assertTrue(first.subject().contains(REGRESSED_TEXT), first.subject());
        assertTrue(first.detail().contains("0.4 ms -> 38 ms"), first.detail());
        assertEquals(startedAt.minus(3, ChronoUnit.MINUTES), first.at());
        assertTrue(hints.stream().noneMatch(h -> h.ref().equals("query:" + STEADY)), "a steady statement is no hint: " + hints);
    }

    @Test
    void aRegressionLeadsTheOverallStatementLatencyAnomalyToo() throws SQLException {
        List<AnomalyHint> hints = hints(planted, "statement_latency_ms", List.of(), 10);
        assertEquals("query:" + REGRESSED, hints.getFirst().ref(), hints.toString());
    }

    @Test
    void aLockChainIsNamedForALockWaitAnomalyWithItsRootAndQueries() throws SQLException {
        List<AnomalyHint> hints = hints(planted, "lock_waiting_connections", List.of(), 10);
        AnomalyHint lock = byRef(hints, "lock:4242");
        assertEquals(AnomalyHint.LOCK, lock.type());
        assertEquals(1, lock.rank(), hints.toString());
        assertTrue(lock.subject().contains("4242") && lock.subject().contains("batch-job"), lock.subject());
        assertTrue(lock.detail().contains("idle in transaction"), lock.detail());
        assertTrue(lock.detail().contains("blocks 3 backends"), lock.detail());
        assertTrue(lock.detail().contains(WAITER_TEXT), lock.detail());
        assertTrue(lock.detail().contains(ROOT_TEXT), lock.detail());
        AnomalyHint rootQuery = byRef(hints, "query:" + ROOT_QUERY);
        assertEquals(AnomalyHint.STATEMENT, rootQuery.type());
        assertTrue(rootQuery.detail().contains("4242"), rootQuery.detail());
    }

    @Test
    void aSettingChangeIsFoundWithOldAndNewValues() throws SQLException {
        List<AnomalyHint> hints = hints(planted, "temp_bytes", List.of(), 20);
        AnomalyHint setting = byRef(hints, "setting:work_mem");
        assertEquals(AnomalyHint.SETTING, setting.type());
        assertEquals("work_mem", setting.subject());
        assertTrue(setting.detail().contains("4096 kB -> 65536 kB"), setting.detail());
        assertEquals(from.plus(5, ChronoUnit.MINUTES), setting.at());
        assertTrue(hints.stream().noneMatch(h -> h.ref().equals("setting:shared_buffers")), hints.toString());
    }

    @Test
    void aNewStatementIsFoundWithItsSealedText() throws SQLException {
        List<AnomalyHint> hints = hints(planted, "tps", List.of(), 20);
        AnomalyHint fresh = byRef(hints, "query:" + NEW);
        assertEquals(AnomalyHint.NEW_STATEMENT, fresh.type());
        assertTrue(fresh.subject().contains(NEW_TEXT), fresh.subject());
        assertEquals(startedAt.minus(5, ChronoUnit.MINUTES), fresh.at());
    }

    @Test
    void anAutovacuumRunIsFound() throws SQLException {
        List<AnomalyHint> hints = hints(planted, "autovacuum_workers", List.of(), 20);
        AnomalyHint vacuum = byRef(hints, "table:app.public.orders");
        assertEquals(AnomalyHint.AUTOVACUUM, vacuum.type());
        assertTrue(vacuum.detail().contains("vacuum running"), vacuum.detail());
        assertTrue(vacuum.detail().contains("dead tuples"), vacuum.detail());
        assertEquals(startedAt.plus(2, ChronoUnit.MINUTES), vacuum.at());
        assertTrue(hints.stream().noneMatch(h -> h.ref().equals("table:app.public.customers")), hints.toString());
    }

    @Test
    void anEarlierMovingSeriesOutranksALaterOne() throws SQLException {
        List<AnomalyHint> hints = hints(empty, "tps", List.of(
                new Move("wal_bytes", startedAt.plus(1, ChronoUnit.MINUTES), 6.0),
                new Move("connections", startedAt.minus(5, ChronoUnit.MINUTES), 6.0),
                new Move("checkpoints", null, 0.5)), 10);
        assertEquals(List.of("series:connections", "series:wal_bytes"), hints.stream().map(AnomalyHint::ref).toList());
        assertEquals(AnomalyHint.METRIC, hints.getFirst().type());
        assertEquals(startedAt.minus(5, ChronoUnit.MINUTES), hints.getFirst().at());
        assertTrue(hints.get(0).weight() > hints.get(1).weight());
    }

    @Test
    void maxIsHonouredWithRanksOneToN() throws SQLException {
        List<AnomalyHint> all = hints(planted, "tps", List.of(new Move("connections", startedAt, 5.0)), 50);
        assertTrue(all.size() > 3, all.toString());
        List<AnomalyHint> three = hints(planted, "tps", List.of(new Move("connections", startedAt, 5.0)), 3);
        assertEquals(List.of(1, 2, 3), three.stream().map(AnomalyHint::rank).toList());
        assertEquals(all.subList(0, 3).stream().map(AnomalyHint::ref).toList(), three.stream().map(AnomalyHint::ref).toList());
        for (int i = 1; i < all.size(); i++) {
            assertTrue(all.get(i - 1).weight() >= all.get(i).weight(), all.toString());
        }
    }

    @Test
    void aTextThatCannotBeOpenedIsNamedByItsQueryid() throws SQLException {
        List<AnomalyHint> hints = hints(unreadable, "tps", List.of(), 10);
        AnomalyHint fresh = byRef(hints, "query:" + NEW);
        assertEquals(AnomalyHint.NEW_STATEMENT, fresh.type());
        assertEquals("query " + NEW, fresh.subject());
    }

    @Test
    void anEmptyWindowGivesNoHints() throws SQLException {
        assertEquals(List.of(), hints(empty, "statement_latency_ms", List.of(), 10));
    }
}
