package io.pganalytics.server.alerting.signals;

import com.zaxxer.hikari.HikariDataSource;
import io.pganalytics.common.alerting.SignalInfo;
import io.pganalytics.common.catalog.Family;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.server.alerting.SignalSource.Point;
import io.pganalytics.server.db.Migrations;
import io.pganalytics.server.db.TimeSeriesDialect;
import io.pganalytics.server.series.Partitions;
import io.pganalytics.server.series.SeriesSchema;
import io.pganalytics.server.series.SeriesSchema.Resolution;
import io.pganalytics.server.testing.SharedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The signals against a real PostgreSQL with the real time-series schema: rows planted in the shape the ingest stores
 * them give the expected values for many instances in one statement per read.
 */
class SqlSignalSourceTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final long S0 = T0.getEpochSecond();
    private static final AtomicLong INSTANCES = new AtomicLong(5000);
    private static final Partitions PARTITIONS = new Partitions();
    private static HikariDataSource dataSource;

    private final SqlSignalSource source = new SqlSignalSource();

    @BeforeAll
    static void migrate() {
        dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(SharedPostgres.newDatabase("alert_signals"));
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
    void everySignalTheContractNamesIsInTheCatalogueWithAUnitAndADescription() {
        Set<String> named = Set.of("tps", "commits", "rollbacks", "statement_latency_ms", "connections", "active_connections",
                "idle_in_transaction", "lock_waiting_connections", "longest_transaction_seconds", "deadlocks", "cache_hit_ratio",
                "temp_bytes", "wal_bytes", "checkpoints", "checkpoints_requested", "replication_lag_seconds",
                "replication_lag_bytes", "host_cpu_busy_ratio", "host_cpu_iowait_ratio", "host_memory_used_ratio", "host_load1",
                "collected", "collector_silent_seconds", "connection_saturation_ratio", "longest_idle_in_transaction_seconds",
                "longest_query_seconds", "xid_wraparound_ratio", "replication_slot_retained_bytes", "replication_slots_inactive",
                "replication_slots_lost", "archive_failures", "archive_lag_seconds", "filesystem_used_ratio",
                "filesystem_hours_to_full", "statement_regression_ratio");
        for (String name : named) {
            assertTrue(source.knows(name), name);
        }
        assertFalse(source.knows("no_such_signal"));
        assertEquals(named.size(), source.catalogue().size());
        for (SignalInfo info : source.catalogue()) {
            assertTrue(info.unit() != null && info.description() != null && !info.description().isBlank(), info.toString());
        }
    }

    @Test
    void everySignalReadsEveryInstanceWithOneStatementEvenWithNoRows() throws SQLException {
        long[] ids = {INSTANCES.incrementAndGet(), INSTANCES.incrementAndGet()};
        for (SignalInfo info : source.catalogue()) {
            for (Duration step : new Duration[] {null, Duration.ofMinutes(1), Duration.ofHours(1)}) {
                AtomicInteger statements = new AtomicInteger();
                try (Connection c = dataSource.getConnection()) {
                    Map<Long, List<Point>> values = source.read(counting(c, statements), info.name(), ids, T0, T0.plusSeconds(3600),
                            step, 10);
                    c.rollback();
                    assertEquals(Map.of(), values, info.name());
                }
                assertEquals(1, statements.get(), info.name() + " step " + step);
            }
        }
    }

    @Test
    void activitySignalsOfManyInstancesInOneReadKeepTheNewestValuesOfEach() throws SQLException {
        long a = INSTANCES.incrementAndGet();
        long b = INSTANCES.incrementAndGet();
        long notAsked = INSTANCES.incrementAndGet();
        insert(MetricCatalog.ACTIVITY,
                activity(a, T0.plusSeconds(10), "app", 10, 1, 3.0, null, 12.5),
                activity(a, T0.plusSeconds(10), "b", 5, 1, 1.0, 20.0, null),
                activity(a, T0.plusSeconds(20), "app", 8, 0, null, null, null),
                activity(a, T0.plusSeconds(30), "app", 9, 2, 7.0, 1.0, 1.0),
                activity(b, T0.plusSeconds(20), "app", 4, 4, 60.0, 30.0, 2.0),
                activity(notAsked, T0.plusSeconds(20), "app", 1, 1, 1.0, 1.0, 1.0));
        long[] ids = {a, b};
        Map<Long, List<Point>> waiting = read("lock_waiting_connections", ids, T0, T0.plusSeconds(60), null, 2);
        assertEquals(Map.of(a, List.of(new Point(S0 + 20, 0), new Point(S0 + 30, 2)), b, List.of(new Point(S0 + 20, 4))), waiting,
                "the newest two per instance, summed over databases; the instance not asked is absent");
        assertEquals(List.of(new Point(S0 + 10, 15), new Point(S0 + 20, 8), new Point(S0 + 30, 9)),
                read("connections", ids, T0, T0.plusSeconds(60), null, 10).get(a));
        assertEquals(List.of(new Point(S0 + 10, 20), new Point(S0 + 20, 0), new Point(S0 + 30, 1)),
                read("longest_idle_in_transaction_seconds", ids, T0, T0.plusSeconds(60), null, 10).get(a),
                "the maximum over databases, 0 when no session is idle in a transaction");
        assertEquals(List.of(new Point(S0 + 10, 12.5), new Point(S0 + 20, 0), new Point(S0 + 30, 1)),
                read("longest_query_seconds", ids, T0, T0.plusSeconds(60), null, 10).get(a));
        assertEquals(List.of(new Point(S0 + 10, 3), new Point(S0 + 20, 0), new Point(S0 + 30, 7)),
                read("longest_transaction_seconds", ids, T0, T0.plusSeconds(60), null, 10).get(a));
        assertEquals(List.of(new Point(S0 + 20, 1), new Point(S0 + 30, 1)),
                read("collected", ids, T0.plusSeconds(10), T0.plusSeconds(60), null, 10).get(a),
                "1 at each collection; from is exclusive");
    }

    @Test
    void saturationWraparoundSlotsAndFileSystemsComeFromTheirFamilies() throws SQLException {
        long id = INSTANCES.incrementAndGet();
        long[] ids = {id};
        insert(MetricCatalog.INSTANCE, row(id, T0.plusSeconds(60), null, "max_connections", 200L, "connections", 150L));
        insert(MetricCatalog.DATABASE,
                row(id, T0.plusSeconds(60), 60.0, "datname", "app", "datfrozenxid_age", 1_073_741_824L),
                row(id, T0.plusSeconds(60), 60.0, "datname", "template1", "datfrozenxid_age", 1000L));
        insert(MetricCatalog.REPLICATION_SLOTS,
                slot(id, "standby", true, false, "reserved", 100L),
                slot(id, "old_logical", false, false, "extended", 5_000_000L),
                slot(id, "gone", false, false, "lost", 0L),
                slot(id, "pg_basebackup_1", false, true, "unreserved", 10L));
        insert(MetricCatalog.HOST_FILESYSTEM,
                row(id, T0.plusSeconds(60), null, "path", "/data", "total_bytes", 1000L, "used_bytes", 600L, "available_bytes", 200L),
                row(id, T0.plusSeconds(60), null, "path", "/wal", "total_bytes", 1000L, "used_bytes", 100L, "available_bytes", 900L));
        Instant to = T0.plusSeconds(120);
        assertEquals(List.of(new Point(S0 + 60, 0.75)), read("connection_saturation_ratio", ids, T0, to, null, 5).get(id));
        assertEquals(List.of(new Point(S0 + 60, 0.5)), read("xid_wraparound_ratio", ids, T0, to, null, 5).get(id));
        assertEquals(List.of(new Point(S0 + 60, 5_000_000)), read("replication_slot_retained_bytes", ids, T0, to, null, 5).get(id));
        assertEquals(List.of(new Point(S0 + 60, 2)), read("replication_slots_inactive", ids, T0, to, null, 5).get(id),
                "inactive and not temporary: old_logical and gone");
        assertEquals(List.of(new Point(S0 + 60, 2)), read("replication_slots_lost", ids, T0, to, null, 5).get(id));
        assertEquals(List.of(new Point(S0 + 60, 0.75)), read("filesystem_used_ratio", ids, T0, to, null, 5).get(id),
                "the fullest: 600 / (600 + 200)");
    }

    @Test
    void archiveFailuresAreTheIncreaseOfTheCountAndTheLagCountsOnlyWhileASegmentIsOwed() throws SQLException {
        long id = INSTANCES.incrementAndGet();
        long[] ids = {id};
        Instant archived = T0.minusSeconds(600);
        insert(MetricCatalog.ARCHIVER,
                archiver(id, T0.plusSeconds(60), 5, "000000010000000000000010", archived, "000000010000000000000011"),
                archiver(id, T0.plusSeconds(120), 8, "000000010000000000000010", archived, "000000010000000000000013"),
                archiver(id, T0.plusSeconds(180), 8, "000000010000000000000010", archived, "000000010000000000000014"));
        assertEquals(List.of(new Point(S0 + 120, 3), new Point(S0 + 180, 0)),
                read("archive_failures", ids, T0, T0.plusSeconds(200), null, 10).get(id),
                "the first sample is a baseline");
        assertEquals(List.of(new Point(S0 + 60, 0), new Point(S0 + 120, 720), new Point(S0 + 180, 780)),
                read("archive_lag_seconds", ids, T0, T0.plusSeconds(200), null, 10).get(id),
                "nothing owed while the next segment is the one being written");
        assertEquals(List.of(new Point(S0, 3)),
                read("archive_failures", ids, T0, T0.plusSeconds(200), Duration.ofMinutes(5), 10).get(id),
                "stepped: the failures of the step summed");
    }

    @Test
    void collectorSilenceIsTheTimeSinceTheNewerOfTheInstancesBatchAndItsCollectorsHeartbeat() throws SQLException {
        long quiet;
        long heartbeat;
        try (Connection c = dataSource.getConnection()) {
            UUID collector = UUID.randomUUID();
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO collector (id, name, credential_hash, created_at, updated_at, last_seen_at)
                    VALUES (?, 'c', '\\x00'::bytea, ?, ?, ?)""")) {
                ps.setObject(1, collector);
                ps.setObject(2, utc(T0));
                ps.setObject(3, utc(T0));
                ps.setObject(4, utc(T0.plusSeconds(500)));
                ps.executeUpdate();
            }
            quiet = instance(c, "quiet", null, T0.plusSeconds(100));
            heartbeat = instance(c, "heartbeat", collector.toString(), T0.plusSeconds(100));
            c.commit();
        }
        Map<Long, List<Point>> silent = read("collector_silent_seconds", new long[] {quiet, heartbeat}, T0, T0.plusSeconds(700), null, 1);
        assertEquals(Map.of(quiet, List.of(new Point(S0 + 700, 600)), heartbeat, List.of(new Point(S0 + 700, 200))), silent);
    }

    @Test
    void hoursToFullFollowTheGrowthOfTheFastestFillingFileSystem() throws SQLException {
        long filling = INSTANCES.incrementAndGet();
        long flat = INSTANCES.incrementAndGet();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int m = 0; m <= 60; m += 10) {
            // grows 3600 bytes an hour: 36000 available at the end is 10 hours
            rows.add(row(filling, T0.plusSeconds(m * 60L), null, "path", "/data", "total_bytes", 100_000L,
                    "used_bytes", 10_000L + m * 60L, "available_bytes", 36_000L + (60 - m) * 60L));
            rows.add(row(flat, T0.plusSeconds(m * 60L), null, "path", "/data", "total_bytes", 100_000L,
                    "used_bytes", 10_000L, "available_bytes", 90_000L));
        }
        insert(MetricCatalog.HOST_FILESYSTEM, rows.toArray(Map[]::new));
        Map<Long, List<Point>> hours = read("filesystem_hours_to_full", new long[] {filling, flat}, T0.plusSeconds(3000),
                T0.plusSeconds(3700), null, 5);
        assertEquals(1, hours.get(filling).size());
        assertEquals(S0 + 3600, hours.get(filling).getFirst().epochSecond());
        assertEquals(10.0, hours.get(filling).getFirst().value(), 1e-6);
        assertEquals(List.of(new Point(S0 + 3600, Signals.NOT_FILLING_HOURS)), hours.get(flat));
    }

    @Test
    void aStatementSlowerThisHourThanOverTheWeekBeforeGivesItsRatio() throws SQLException {
        long id = INSTANCES.incrementAndGet();
        Instant now = T0.plus(Duration.ofDays(8));
        List<Map<String, Object>> raw = new ArrayList<>();
        for (int m = 1; m <= 6; m++) {
            Instant at = now.minusSeconds(m * 600L);
            raw.add(statement(id, at, 42, 20, 200.0)); // 10 ms per call now
            raw.add(statement(id, at, 43, 20, 20.0)); // 1 ms per call, unchanged
            raw.add(statement(id, at, 44, 5, 500.0)); // too few calls to count
        }
        insert(MetricCatalog.STATEMENTS, raw.toArray(Map[]::new));
        List<Map<String, Object>> hourly = new ArrayList<>();
        for (int h = 2; h <= 100; h += 2) {
            Instant bucket = now.truncatedTo(java.time.temporal.ChronoUnit.HOURS).minus(Duration.ofHours(h));
            hourly.add(hourStatement(id, bucket, 42, 100, 200.0)); // 2 ms per call over the week
            hourly.add(hourStatement(id, bucket, 43, 100, 100.0));
            hourly.add(hourStatement(id, bucket, 44, 100, 100.0));
        }
        insertRollup(MetricCatalog.STATEMENTS, Resolution.HOUR, hourly);
        Map<Long, List<Point>> ratio = read("statement_regression_ratio", new long[] {id}, now.minusSeconds(60), now, null, 1);
        assertEquals(1, ratio.get(id).size(), ratio.toString());
        assertEquals(now.getEpochSecond(), ratio.get(id).getFirst().epochSecond());
        assertEquals(5.0, ratio.get(id).getFirst().value(), 1e-9, "10 ms / 2 ms");
    }

    @Test
    void steppedReadsTakeOneValuePerStepFromTheRollups() throws SQLException {
        long id = INSTANCES.incrementAndGet();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int s = 10; s < 180; s += 10) {
            rows.add(activity(id, T0.plusSeconds(s), "app", s < 60 ? 10 : 20, s == 70 ? 5 : 0, 1.0, null, null));
        }
        insert(MetricCatalog.ACTIVITY, rows.toArray(Map[]::new));
        rollUp(MetricCatalog.ACTIVITY, Resolution.MINUTE);
        // the raw rows are gone from view: the values come from the 1-minute buckets
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "DELETE FROM " + Resolution.RAW.table(MetricCatalog.ACTIVITY) + " WHERE instance_id = ?")) {
            ps.setLong(1, id);
            ps.executeUpdate();
            c.commit();
        }
        long[] ids = {id};
        assertEquals(List.of(new Point(S0, 10), new Point(S0 + 60, 20), new Point(S0 + 120, 20)),
                read("connections", ids, T0.minusSeconds(1), T0.plusSeconds(180), Duration.ofMinutes(1), 10).get(id),
                "the average of each minute");
        List<Point> fiveMinutes = read("lock_waiting_connections", ids, T0.minusSeconds(1), T0.plusSeconds(180),
                Duration.ofMinutes(5), 10).get(id);
        assertEquals(1, fiveMinutes.size(), fiveMinutes.toString());
        assertEquals(S0, fiveMinutes.getFirst().epochSecond());
        assertEquals(5.0 / 18, fiveMinutes.getFirst().value(), 1e-9, "the average of the minutes' averages (0, 5/6, 0)");
    }

    private Map<Long, List<Point>> read(String signal, long[] ids, Instant from, Instant to, Duration step, int max)
            throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Map<Long, List<Point>> values = source.read(c, signal, ids, from, to, step, max);
            c.rollback();
            return values;
        }
    }

    /** The real connection, counting the statements prepared on it. */
    private static Connection counting(Connection c, AtomicInteger statements) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().startsWith("prepare") || method.getName().equals("createStatement")) {
                        statements.incrementAndGet();
                    }
                    try {
                        return method.invoke(c, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static long instance(Connection c, String name, String collector, Instant lastSeen) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO monitored_instance (system_identifier, host, port, name, collector_id, first_seen_at, last_seen_at)
                VALUES ('1', ?, 5432, ?, ?, ?, ?) RETURNING id""")) {
            ps.setString(1, name + ".example");
            ps.setString(2, name);
            ps.setString(3, collector);
            ps.setObject(4, utc(lastSeen));
            ps.setObject(5, utc(lastSeen));
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
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

    private static Map<String, Object> activity(long id, Instant at, String datname, long total, long lockWaiting,
                                                Double longestTransaction, Double longestIdle, Double longestQuery) {
        return row(id, at, 10.0, "datname", datname, "total", total, "lock_waiting", lockWaiting,
                "longest_transaction_seconds", longestTransaction, "longest_idle_in_transaction_seconds", longestIdle,
                "longest_query_seconds", longestQuery);
    }

    private static Map<String, Object> slot(long id, String name, boolean active, boolean temporary, String walStatus, long retained) {
        return row(id, T0.plusSeconds(60), null, "slot_name", name, "temporary", temporary, "active", active,
                "wal_status", walStatus, "retained_wal_bytes", retained);
    }

    private static Map<String, Object> archiver(long id, Instant at, long failed, String lastArchived, Instant archivedAt,
                                                String current) {
        return row(id, at, null, "archive_mode", "on", "archived_count", 10L, "last_archived_wal", lastArchived,
                "last_archived_time", archivedAt, "failed_count", failed, "current_wal", current, "in_recovery", false);
    }

    private static Map<String, Object> statement(long id, Instant at, long queryid, long calls, double time) {
        return row(id, at, 600.0, "dbid", 5L, "userid", 10L, "queryid", queryid, "toplevel", true, "calls", calls,
                "total_exec_time", time);
    }

    private static Map<String, Object> hourStatement(long id, Instant bucket, long queryid, long calls, double time) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("instance_id", id);
        row.put("bucket", bucket);
        row.put("samples", 60);
        row.put("interval_seconds", 3600.0);
        row.put("dbid", 5L);
        row.put("userid", 10L);
        row.put("queryid", queryid);
        row.put("toplevel", true);
        row.put("calls", calls);
        row.put("total_exec_time", time);
        return row;
    }

    private static OffsetDateTime utc(Instant t) {
        return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }

    /** Fills a rollup from the next finer resolution with the rollup job's own SELECT. */
    private static void rollUp(Family family, Resolution resolution) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            PARTITIONS.ensure(c, family, resolution, T0);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + resolution.table(family) + " ("
                    + String.join(", ", SeriesSchema.rollupTableColumns(family)) + ") "
                    + SeriesSchema.rollupSelect(family, resolution, TimeSeriesDialect.PLAIN, false))) {
                ps.executeUpdate();
            }
            c.commit();
        }
    }

    private static void insertRollup(Family family, Resolution resolution, List<Map<String, Object>> rows) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            for (Map<String, Object> row : rows) {
                PARTITIONS.ensure(c, family, resolution, (Instant) row.get("bucket"));
            }
            write(c, resolution.table(family), rows);
            c.commit();
        }
    }

    /** Inserts rows (each with the same columns) into a family's raw table, creating the partitions they need. */
    @SafeVarargs
    private static void insert(Family family, Map<String, Object>... rows) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            for (Map<String, Object> row : rows) {
                PARTITIONS.ensure(c, family, Resolution.RAW, (Instant) row.get("collected_at"));
            }
            write(c, Resolution.RAW.table(family), List.of(rows));
            c.commit();
        }
    }

    private static void write(Connection c, String table, List<Map<String, Object>> rows) throws SQLException {
        for (Map<String, Object> row : rows) {
            List<String> columns = new ArrayList<>(row.keySet());
            String sql = "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
                    + String.join(", ", columns.stream().map(x -> "?").toList()) + ")";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < columns.size(); i++) {
                    Object value = row.get(columns.get(i));
                    ps.setObject(i + 1, value instanceof Instant t ? utc(t) : value);
                }
                ps.executeUpdate();
            }
        }
    }
}
