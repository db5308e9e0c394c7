package io.pganalytics.server.anomaly.points;

import com.zaxxer.hikari.HikariDataSource;
import io.pganalytics.common.anomaly.DetectionSeriesInfo;
import io.pganalytics.common.catalog.Family;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.server.anomaly.PointSource.Point;
import io.pganalytics.server.db.Migrations;
import io.pganalytics.server.db.TimeSeriesDialect;
import io.pganalytics.server.query.SeriesMetrics;
import io.pganalytics.server.series.Partitions;
import io.pganalytics.server.series.SeriesSchema.Resolution;
import io.pganalytics.server.testing.SharedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The detectors' points against a real PostgreSQL with the real time-series schema: rows of known values, in the shape
 * the ingest stores them (counter deltas with the seconds they cover, gauges as sampled), give exactly the expected
 * points of every family.
 */
class SqlPointSourceTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final long S0 = T0.getEpochSecond();
    private static final Instant FAR = Instant.parse("2027-01-01T00:00:00Z");
    private static final AtomicLong INSTANCES = new AtomicLong(1000);
    private static final Partitions PARTITIONS = new Partitions();
    private static HikariDataSource dataSource;

    private final SqlPointSource source = new SqlPointSource(2);

    @BeforeAll
    static void migrate() {
        dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(SharedPostgres.newDatabase("anomaly_points"));
        dataSource.setUsername("postgres");
        dataSource.setMaximumPoolSize(2);
        dataSource.setAutoCommit(false);
        Migrations.apply(dataSource, TimeSeriesDialect.PLAIN);
    }

    @AfterAll
    static void close() {
        dataSource.close();
    }

    @Test
    void databaseRatesCountsAndRatiosAreSummedOverDatabasesAndZeroDenominatorsAreSkipped() throws SQLException {
        long id = INSTANCES.incrementAndGet();
        insert(MetricCatalog.DATABASE,
                db(id, T0.plusSeconds(60), 60.0, "app", 120, 6, 900, 100, 6000, 1),
                db(id, T0.plusSeconds(60), 60.0, "b", 60, 0, 0, 0, 0, 0),
                db(id, T0.plusSeconds(120), 60.0, "app", 0, 0, 0, 0, 0, 0),
                db(id, T0.plusSeconds(120), 60.0, "b", 0, 0, 0, 0, 0, 0),
                // no interval: rates have no denominator, the count and the ratio still have values
                db(id, T0.plusSeconds(180), null, "app", 10, 0, 50, 50, 0, 2));
        Map<String, List<Point>> points = read(id, T0, FAR, 100);
        assertPoints(points, "tps", 60, 3.1, 120, 0.0);
        assertPoints(points, "commits", 60, 3.0, 120, 0.0);
        assertPoints(points, "rollbacks", 60, 0.1, 120, 0.0);
        assertPoints(points, "temp_bytes", 60, 100.0, 120, 0.0);
        assertPoints(points, "deadlocks", 60, 1.0, 120, 0.0, 180, 2.0);
        assertPoints(points, "cache_hit_ratio", 60, 0.9, 180, 0.5);
        assertEquals(Set.of("tps", "commits", "rollbacks", "temp_bytes", "deadlocks", "cache_hit_ratio"), points.keySet(),
                "an instance with only the database family has only its series");
    }

    @Test
    void activityGaugesAreSummedOverDatabasesAndTheLongestTransactionIsTheirMaximumOrZero() throws SQLException {
        long id = INSTANCES.incrementAndGet();
        insert(MetricCatalog.ACTIVITY,
                activity(id, T0.plusSeconds(10), "app", 10, 4, 2, 1, 12.5),
                activity(id, T0.plusSeconds(10), "b", 5, 1, 1, 0, 3.0),
                activity(id, T0.plusSeconds(20), "app", 8, 0, 0, 0, null),
                activity(id, T0.plusSeconds(20), "b", 2, 0, 0, 0, null));
        Map<String, List<Point>> points = read(id, T0, FAR, 100);
        assertPoints(points, "connections", 10, 15.0, 20, 10.0);
        assertPoints(points, "active_connections", 10, 5.0, 20, 0.0);
        assertPoints(points, "idle_in_transaction", 10, 3.0, 20, 0.0);
        assertPoints(points, "lock_waiting_connections", 10, 1.0, 20, 0.0);
        assertPoints(points, "longest_transaction_seconds", 10, 12.5, 20, 0.0);
        assertEquals(Set.of("connections", "active_connections", "idle_in_transaction", "lock_waiting_connections",
                "longest_transaction_seconds"), points.keySet());
    }

    @Test
    void waitSamplesGiveBackendsPerWaitClassAndTheAutovacuumWorkersWithZerosForTheAbsent() throws SQLException {
        long id = INSTANCES.incrementAndGet();
        insert(MetricCatalog.WAIT_EVENTS,
                wait(id, T0.plusSeconds(10), "client backend", "Lock", "relation", 3),
                wait(id, T0.plusSeconds(10), "client backend", "Lock", "transactionid", 2),
                wait(id, T0.plusSeconds(10), "client backend", "LWLock", "WALWrite", 1),
                wait(id, T0.plusSeconds(10), "client backend", null, null, 4),
                wait(id, T0.plusSeconds(10), "autovacuum worker", null, null, 1),
                wait(id, T0.plusSeconds(10), "autovacuum worker", "IO", "DataFileRead", 1),
                wait(id, T0.plusSeconds(20), "client backend", "Client", "ClientRead", 2));
        Map<String, List<Point>> points = read(id, T0, FAR, 100);
        assertPoints(points, "wait_backends:Lock", 10, 5.0, 20, 0.0);
        assertPoints(points, "wait_backends:LWLock", 10, 1.0, 20, 0.0);
        assertPoints(points, "wait_backends:IO", 10, 1.0, 20, 0.0);
        assertPoints(points, "wait_backends:Client", 10, 0.0, 20, 2.0);
        for (String quiet : List.of("IPC", "BufferPin", "Timeout", "Extension")) {
            assertPoints(points, "wait_backends:" + quiet, 10, 0.0, 20, 0.0);
        }
        assertPoints(points, "autovacuum_workers", 10, 2.0, 20, 0.0);
        assertEquals(9, points.size(), points.keySet().toString());
    }

    @Test
    void statementsGiveOverallLatencyCallsAndTheLatencyOfTheTopStatementsByTotalTime() throws SQLException {
        long id = INSTANCES.incrementAndGet();
        insert(MetricCatalog.STATEMENTS,
                statement(id, T0.plusSeconds(60), 10, 11, 10, 500.0),
                statement(id, T0.plusSeconds(60), 20, 11, 10, 100.0),
                statement(id, T0.plusSeconds(60), 10, 22, 4, 100.0),
                statement(id, T0.plusSeconds(60), 10, 33, 100, 50.0),
                statement(id, T0.plusSeconds(60), 0, 0, 6, 30.0),
                // no calls of 11 at this time: no latency point for it
                statement(id, T0.plusSeconds(120), 10, 11, 0, 0.0),
                statement(id, T0.plusSeconds(120), 10, 22, 5, 150.0),
                statement(id, T0.plusSeconds(180), 10, 11, 5, 400.0),
                statement(id, T0.plusSeconds(180), 10, 33, 1, 1.0));
        Map<String, List<Point>> points = read(id, T0, FAR, 100);
        assertPoints(points, "statement_latency_ms", 60, 780.0 / 130, 120, 30.0, 180, 401.0 / 6);
        assertPoints(points, "statement_calls", 60, 130.0 / 60, 120, 5.0 / 60, 180, 6.0 / 60);
        assertPoints(points, "statement_latency_ms:11", 60, 30.0, 180, 80.0);
        assertPoints(points, "statement_latency_ms:22", 60, 25.0, 120, 30.0);
        assertEquals(Set.of("statement_latency_ms", "statement_calls", "statement_latency_ms:11", "statement_latency_ms:22"),
                points.keySet(), "the top 2 by total time (1000 and 250 ms), not 33 (51 ms) nor the other row");
        assertEquals(Set.of("statement_latency_ms", "statement_calls"), read(new SqlPointSource(0), id, T0, FAR, 100).keySet(),
                "no top statements asked for");
    }

    @Test
    void oneRowFamiliesGiveTheirRatesCountsRatiosAndGauges() throws SQLException {
        long id = INSTANCES.incrementAndGet();
        insert(MetricCatalog.BGWRITER, row(id, T0.plusSeconds(60), 60.0, "checkpoints_timed", 1L, "checkpoints_req", 2L));
        insert(MetricCatalog.WAL, row(id, T0.plusSeconds(60), 60.0, "wal_bytes", 6_000_000L));
        insert(MetricCatalog.REPLICATION,
                row(id, T0.plusSeconds(60), null, "pid", 1L, "replay_lag_seconds", 1.5, "replay_lag_bytes", 100L),
                row(id, T0.plusSeconds(60), null, "pid", 2L, "replay_lag_seconds", null, "replay_lag_bytes", 300L),
                row(id, T0.plusSeconds(120), null, "pid", 1L, "replay_lag_seconds", null, "replay_lag_bytes", null));
        insert(MetricCatalog.HOST_CPU,
                cpu(id, T0.plusSeconds(60), 30, 10, 50, 10),
                cpu(id, T0.plusSeconds(120), 0, 0, 0, 0));
        insert(MetricCatalog.HOST_MEMORY,
                row(id, T0.plusSeconds(60), null, "total_bytes", 1000L, "available_bytes", 250L),
                row(id, T0.plusSeconds(120), null, "total_bytes", 0L, "available_bytes", 0L));
        insert(MetricCatalog.HOST_LOAD, row(id, T0.plusSeconds(60), null, "load1", 1.5));
        insert(MetricCatalog.HOST_DISK,
                row(id, T0.plusSeconds(60), 60.0, "device", "sda", "read_bytes", 6000L, "write_bytes", 0L),
                row(id, T0.plusSeconds(60), 60.0, "device", "sdb", "read_bytes", 0L, "write_bytes", 600L));
        Map<String, List<Point>> points = read(id, T0, FAR, 100);
        assertPoints(points, "checkpoints", 60, 3.0);
        assertPoints(points, "checkpoints_requested", 60, 2.0);
        assertPoints(points, "wal_bytes", 60, 100_000.0);
        assertPoints(points, "replication_lag_seconds", 60, 1.5, 120, 0.0);
        assertPoints(points, "replication_lag_bytes", 60, 300.0);
        assertPoints(points, "host_cpu_busy_ratio", 60, 0.4);
        assertPoints(points, "host_cpu_iowait_ratio", 60, 0.1);
        assertPoints(points, "host_memory_used_ratio", 60, 0.75);
        assertPoints(points, "host_load1", 60, 1.5);
        assertPoints(points, "host_disk_bytes", 60, 110.0);
        assertEquals(10, points.size(), points.keySet().toString());
    }

    @Test
    void eachSeriesGetsAtMostTheBoundOfItsOldestPointsInsideAfterAndUntil() throws SQLException {
        long id = INSTANCES.incrementAndGet();
        List<Map<String, Object>> rows = new ArrayList<>();
        List<Map<String, Object>> statements = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            // stored a quarter second after the whole second: points are whole seconds
            Instant at = T0.plusSeconds(60L * i).plusMillis(250);
            rows.add(db(id, at, 60.0, "app", 60L * i, 0, 1, 0, 0, 0));
            statements.add(statement(id, at, 10, 11, i, 10.0 * i));
        }
        insert(MetricCatalog.DATABASE, rows.toArray(Map[]::new));
        insert(MetricCatalog.STATEMENTS, statements.toArray(Map[]::new));
        Map<String, List<Point>> first = read(id, T0, FAR, 2);
        assertPoints(first, "tps", 60, 1.0, 120, 2.0);
        assertPoints(first, "statement_latency_ms:11", 60, 10.0, 120, 10.0);
        // resuming after the last point's own second reads the next ones, never it again
        Map<String, List<Point>> next = read(id, Instant.ofEpochSecond(S0 + 120), FAR, 2);
        assertPoints(next, "tps", 180, 3.0, 240, 4.0);
        assertPoints(next, "statement_calls", 180, 3.0 / 60, 240, 4.0 / 60);
        // until is inclusive, of a point's second
        Map<String, List<Point>> bounded = read(id, Instant.ofEpochSecond(S0 + 120), Instant.ofEpochSecond(S0 + 180), 100);
        assertPoints(bounded, "tps", 180, 3.0);
        assertTrue(read(id, Instant.ofEpochSecond(S0 + 300), FAR, 100).isEmpty(), "nothing after the last point");
        assertTrue(read(id, T0, FAR, 0).isEmpty(), "a bound of 0 reads nothing");
        assertTrue(read(id, FAR, T0, 100).isEmpty(), "an empty range reads nothing");
    }

    @Test
    void anInstanceWithoutDataHasNoSeriesAndAnotherInstancesRowsAreNotItsOwn() throws SQLException {
        long id = INSTANCES.incrementAndGet();
        insert(MetricCatalog.HOST_LOAD, row(id, T0.plusSeconds(60), null, "load1", 0.5));
        assertTrue(read(INSTANCES.incrementAndGet(), T0, FAR, 100).isEmpty());
        assertEquals(Set.of("host_load1"), read(id, T0, FAR, 100).keySet());
    }

    @Test
    void theCatalogueNamesEverySeriesOfTheContractWithUnitsAndChartsThatExist() {
        Set<String> names = new TreeSet<>();
        for (DetectionSeriesInfo info : source.catalogue()) {
            names.add(info.series());
            assertFalse(info.label().isBlank(), info.series());
            assertFalse(info.unit().isBlank(), info.series());
            if (info.chartMetric() != null) {
                assertTrue(SeriesMetrics.byName(info.chartMetric()).isPresent(), info.series() + " -> " + info.chartMetric());
            }
        }
        for (String series : List.of("tps", "commits", "rollbacks", "statement_latency_ms", "statement_calls", "connections",
                "active_connections", "idle_in_transaction", "lock_waiting_connections", "longest_transaction_seconds",
                "deadlocks", "cache_hit_ratio", "temp_bytes", "wal_bytes", "checkpoints", "checkpoints_requested",
                "replication_lag_seconds", "replication_lag_bytes", "autovacuum_workers", "host_cpu_busy_ratio",
                "host_cpu_iowait_ratio", "host_memory_used_ratio", "host_disk_bytes", "host_load1", "instance",
                "statement_latency_ms:<queryid>", "wait_backends:Lock", "wait_backends:LWLock", "wait_backends:IO",
                "wait_backends:IPC", "wait_backends:BufferPin", "wait_backends:Client", "wait_backends:Timeout",
                "wait_backends:Extension")) {
            assertTrue(names.remove(series), series + " in " + names);
        }
        assertTrue(names.isEmpty(), "nothing beyond the contract: " + names);
        assertEquals("tps", source.describe("tps").chartMetric());
        assertEquals("cache_hit_ratio", source.describe("cache_hit_ratio").chartMetric());
    }

    @Test
    void describeNamesKeyedSeriesByTheirKeyAndUnknownSeriesWithoutFailing() {
        DetectionSeriesInfo statement = source.describe("statement_latency_ms:42");
        assertEquals("statement_latency_ms:42", statement.series());
        assertTrue(statement.label().contains("mean latency of statement 42"), statement.label());
        assertEquals("ms", statement.unit());
        DetectionSeriesInfo lock = source.describe("wait_backends:Lock");
        assertTrue(lock.label().contains("Lock"), lock.label());
        assertEquals("backends", lock.unit());
        DetectionSeriesInfo retired = source.describe("wait_seconds:Lock");
        assertEquals("wait_seconds:Lock", retired.series());
        assertTrue(retired.label().contains("wait_seconds:Lock"), retired.label());
        assertNull(retired.chartMetric());
    }

    // ---- fixtures: raw rows as the ingest stores them

    private Map<String, List<Point>> read(long instanceId, Instant after, Instant until, int max) throws SQLException {
        return read(source, instanceId, after, until, max);
    }

    private static Map<String, List<Point>> read(SqlPointSource source, long instanceId, Instant after, Instant until, int max)
            throws SQLException {
        try (Connection c = connection()) {
            Map<String, List<Point>> points = source.points(c, instanceId, after, until, max);
            c.rollback();
            return points;
        }
    }

    private static Connection connection() throws SQLException {
        return dataSource.getConnection();
    }

    private static void assertPoints(Map<String, List<Point>> points, String series, double... secondAndValue) {
        List<Point> actual = points.get(series);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < secondAndValue.length; i += 2) {
            expected.add((S0 + (long) secondAndValue[i]) + "=" + secondAndValue[i + 1]);
        }
        assertTrue(actual != null, series + " has no points; series: " + points.keySet());
        List<String> got = new ArrayList<>();
        for (int i = 0; i < actual.size(); i++) {
            Point p = actual.get(i);
            boolean close = i < expected.size() && Math.abs(p.value() - secondAndValue[2 * i + 1]) < 1e-9;
            got.add(p.epochSecond() + "=" + (close ? secondAndValue[2 * i + 1] : p.value()));
        }
        assertEquals(expected, got, series);
    }

    private static Map<String, Object> row(long instanceId, Instant at, Double interval, Object... columns) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("instance_id", instanceId);
        row.put("collected_at", at);
        row.put("interval_seconds", interval);
        for (int i = 0; i < columns.length; i += 2) {
            row.put((String) columns[i], columns[i + 1]);
        }
        return row;
    }

    private static Map<String, Object> db(long id, Instant at, Double interval, String datname, long commits, long rollbacks,
                                          long hits, long reads, long tempBytes, long deadlocks) {
        return row(id, at, interval, "datname", datname, "xact_commit", commits, "xact_rollback", rollbacks, "blks_hit", hits,
                "blks_read", reads, "temp_bytes", tempBytes, "deadlocks", deadlocks);
    }

    private static Map<String, Object> activity(long id, Instant at, String datname, long total, long active,
                                                long idleInTransaction, long lockWaiting, Double longest) {
        return row(id, at, 10.0, "datname", datname, "total", total, "active", active, "idle_in_transaction", idleInTransaction,
                "lock_waiting", lockWaiting, "longest_transaction_seconds", longest);
    }

    private static Map<String, Object> wait(long id, Instant at, String backendType, String type, String event, long backends) {
        return row(id, at, null, "datname", "app", "backend_type", backendType, "wait_event_type", type, "wait_event", event,
                "backends", backends);
    }

    private static Map<String, Object> statement(long id, Instant at, long userid, long queryid, long calls, double time) {
        return row(id, at, 60.0, "dbid", 5L, "userid", userid, "queryid", queryid, "toplevel", true, "calls", calls,
                "total_exec_time", time);
    }

    private static Map<String, Object> cpu(long id, Instant at, double user, double system, double idle, double iowait) {
        return row(id, at, 60.0, "cpus", 2L, "user_seconds", user, "nice_seconds", 0.0, "system_seconds", system,
                "idle_seconds", idle, "iowait_seconds", iowait, "irq_seconds", 0.0, "softirq_seconds", 0.0, "steal_seconds", 0.0);
    }

    /** Inserts rows (each with the same columns) into a family's raw table, creating the partitions they need. */
    @SafeVarargs
    private static void insert(Family family, Map<String, Object>... rows) throws SQLException {
        try (Connection c = connection()) {
            for (Map<String, Object> row : rows) {
                PARTITIONS.ensure(c, family, Resolution.RAW, (Instant) row.get("collected_at"));
            }
            for (Map<String, Object> row : rows) {
                List<String> columns = new ArrayList<>(row.keySet());
                String sql = "INSERT INTO " + Resolution.RAW.table(family) + " (" + String.join(", ", columns) + ") VALUES ("
                        + String.join(", ", columns.stream().map(x -> "?").toList()) + ")";
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    for (int i = 0; i < columns.size(); i++) {
                        Object value = row.get(columns.get(i));
                        ps.setObject(i + 1, value instanceof Instant t ? OffsetDateTime.ofInstant(t, ZoneOffset.UTC) : value);
                    }
                    ps.executeUpdate();
                }
            }
            c.commit();
        }
    }
}
