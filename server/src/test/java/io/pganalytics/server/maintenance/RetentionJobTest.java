package io.pganalytics.server.maintenance;

import com.zaxxer.hikari.HikariDataSource;
import io.pganalytics.common.catalog.Family;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.server.cluster.ClusterModule;
import io.pganalytics.server.db.TimeSeriesDialect;
import io.pganalytics.server.metrics.MetricsRegistry;
import io.pganalytics.server.series.Partitions;
import io.pganalytics.server.series.SeriesSchema;
import io.pganalytics.server.series.SeriesSchema.Resolution;
import io.pganalytics.server.testing.HazelcastMembers;
import io.pganalytics.server.testing.ManualClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.pganalytics.server.maintenance.MaintenanceFixture.count;
import static io.pganalytics.server.maintenance.MaintenanceFixture.execute;
import static io.pganalytics.server.maintenance.MaintenanceFixture.utc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Partitions ahead and retention on real PostgreSQL, with a controllable clock. */
class RetentionJobTest {
    private static ClusterModule member;
    private HikariDataSource dataSource;
    private ManualClock clock;
    private Partitions ingestPartitions;
    private MetricsRegistry metrics;
    private MaintenanceFeature maintenance;

    @BeforeAll
    static void startMember() {
        member = HazelcastMembers.single();
    }

    @AfterAll
    static void stopMember() {
        member.close();
    }

    @BeforeEach
    void newDatabase() {
        dataSource = MaintenanceFixture.newDatabase("retention");
        clock = new ManualClock(Instant.parse("2026-03-04T10:00:00Z")); // a Wednesday
        start(Map.of());
    }

    private void start(Map<String, String> config) {
        if (maintenance != null) {
            maintenance.close();
        }
        ingestPartitions = new Partitions();
        metrics = new MetricsRegistry();
        maintenance = new MaintenanceFeature(MaintenanceFixture.config(config), dataSource, TimeSeriesDialect.PLAIN,
                member.hazelcast(), clock, metrics, ingestPartitions);
    }

    @AfterEach
    void close() {
        maintenance.close();
        dataSource.close();
    }

    private RetentionReport runRetention() throws SQLException {
        return maintenance.runRetentionOnce().orElseThrow(() -> new AssertionError("the retention lease was not free"));
    }

    private List<String> partitions(Family family, Resolution resolution) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            List<String> names = Partitions.list(c, family, resolution).stream().map(Partitions.Partition::name).toList();
            c.rollback();
            return names;
        }
    }

    /** A partition holding one row at {@code at}, created the way the ingest creates them. */
    private void rawRow(Family family, String at) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            ingestPartitions.ensure(c, family, Resolution.RAW, Instant.parse(at));
        }
        execute(dataSource, "INSERT INTO " + Resolution.RAW.table(family) + " (instance_id, collected_at) VALUES (1, ?)", utc(at));
    }

    @Test
    void partitionsAreCreatedAheadForEveryFamilyAndResolution() throws Exception {
        RetentionReport report = runRetention();
        assertEquals(List.of("ts.database_p20260304", "ts.database_p20260305", "ts.database_p20260306"),
                partitions(MetricCatalog.DATABASE, Resolution.RAW), "today and the next two days");
        assertEquals(List.of("ts.database_1m_p20260302", "ts.database_1m_p20260309"),
                partitions(MetricCatalog.DATABASE, Resolution.MINUTE), "this ISO week and the next");
        assertEquals(List.of("ts.database_1h_p20260301", "ts.database_1h_p20260401"),
                partitions(MetricCatalog.DATABASE, Resolution.HOUR), "this month and the next");
        int expected = 0;
        for (Family family : MetricCatalog.ALL) {
            if (family != MetricCatalog.STATEMENT_TEXTS) {
                expected += 3 + (SeriesSchema.hasRollups(family) ? 4 : 0);
                assertEquals(3, partitions(family, Resolution.RAW).size(), family.name());
            }
        }
        assertEquals(expected, report.partitionsCreated());
        assertEquals(0, runRetention().partitionsCreated(), "a second run finds them all");

        clock.set(Instant.parse("2026-03-09T00:30:00Z")); // Monday of the next week
        runRetention();
        assertTrue(partitions(MetricCatalog.DATABASE, Resolution.RAW).contains("ts.database_p20260311"));
        assertTrue(partitions(MetricCatalog.DATABASE, Resolution.MINUTE).contains("ts.database_1m_p20260316"));
        assertTrue(metrics.scrape().contains("pganalytics_maintenance_partitions_created_total{resolution=\"raw\"}"));
    }

    @Test
    void aPartitionIsDroppedOnceItsWholeDayIsPastRetentionAndAPartlyExpiredOneStays() throws Exception {
        rawRow(MetricCatalog.DATABASE, "2026-02-15T12:00:00Z");
        rawRow(MetricCatalog.DATABASE, "2026-02-17T23:59:59Z");
        rawRow(MetricCatalog.DATABASE, "2026-02-18T05:00:00Z"); // older than the cutoff, but its partition is not
        rawRow(MetricCatalog.DATABASE, "2026-02-25T05:00:00Z");

        // raw retention 14 days: the cutoff is 2026-02-18T10:00Z
        RetentionReport report = runRetention();
        assertEquals(List.of("ts.database_p20260215", "ts.database_p20260217"), report.partitionsDropped().stream()
                .filter(name -> name.startsWith("ts.database_")).toList());
        List<String> left = partitions(MetricCatalog.DATABASE, Resolution.RAW);
        assertFalse(left.contains("ts.database_p20260217"));
        assertTrue(left.contains("ts.database_p20260218"), "partly expired: it stays");
        assertTrue(left.contains("ts.database_p20260225"));
        assertEquals(2, count(dataSource, "SELECT count(*) FROM ts.database"));

        clock.set(Instant.parse("2026-03-05T00:00:00Z")); // the cutoff reaches the end of 2026-02-18
        assertEquals(List.of("ts.database_p20260218"), runRetention().partitionsDropped());
        assertEquals(1, count(dataSource, "SELECT count(*) FROM ts.database"));
        assertTrue(metrics.scrape().contains("pganalytics_maintenance_partitions_dropped_total{resolution=\"raw\"} 3"), metrics.scrape());

        try (Connection c = dataSource.getConnection()) {
            assertTrue(ingestPartitions.ensure(c, MetricCatalog.DATABASE, Resolution.RAW, Instant.parse("2026-02-18T05:00:00Z")),
                    "the ingest's cache forgot the dropped partition: a row for its day would create it again");
        }
    }

    @Test
    void rollupPartitionsFollowTheirOwnRetention() throws Exception {
        try (Connection c = dataSource.getConnection()) {
            ingestPartitions.ensure(c, MetricCatalog.DATABASE, Resolution.MINUTE, Instant.parse("2025-11-24T00:00:00Z"));
            ingestPartitions.ensure(c, MetricCatalog.DATABASE, Resolution.MINUTE, Instant.parse("2025-12-01T00:00:00Z"));
            ingestPartitions.ensure(c, MetricCatalog.DATABASE, Resolution.HOUR, Instant.parse("2024-02-01T00:00:00Z"));
            ingestPartitions.ensure(c, MetricCatalog.DATABASE, Resolution.HOUR, Instant.parse("2024-03-01T00:00:00Z"));
        }
        // 90 days of minutes: cutoff 2025-12-04T10:00Z; the week of 2025-12-01 ends 2025-12-08 and stays.
        // 730 days of hours: cutoff 2024-03-04T10:00Z; February 2024 ends 2024-03-01 and goes, March stays.
        assertEquals(List.of("ts.database_1m_p20251124", "ts.database_1h_p20240201"), runRetention().partitionsDropped().stream()
                .filter(name -> name.startsWith("ts.database_")).toList());
        assertTrue(partitions(MetricCatalog.DATABASE, Resolution.MINUTE).contains("ts.database_1m_p20251201"));
        assertTrue(partitions(MetricCatalog.DATABASE, Resolution.HOUR).contains("ts.database_1h_p20240301"));
    }

    @Test
    void aFamilyOverrideChangesOnlyThatFamilysRetention() throws Exception {
        start(Map.of("retention.families.wait_events.raw", "8d"));
        rawRow(MetricCatalog.WAIT_EVENTS, "2026-02-20T12:00:00Z");
        rawRow(MetricCatalog.DATABASE, "2026-02-20T12:00:00Z");
        assertEquals(List.of("ts.wait_events_p20260220"), runRetention().partitionsDropped());
        assertTrue(partitions(MetricCatalog.DATABASE, Resolution.RAW).contains("ts.database_p20260220"));
    }

    @Test
    void unusedQueryTextsAndExpiredBatchIdsAreDeleted() throws Exception {
        String text = "INSERT INTO ts.statement_text (instance_id, dbid, queryid, datname, query, first_seen_at) VALUES (1, 5, ?, 'app', ?, ?)";
        execute(dataSource, text, 11L, "SELECT 'old and gone'", utc("2024-01-01T00:00:00Z"));
        execute(dataSource, text, 12L, "SELECT 'old and still running'", utc("2024-01-01T00:00:00Z"));
        execute(dataSource, text, 13L, "SELECT 'recent, not running now'", utc("2025-06-01T00:00:00Z"));
        try (Connection c = dataSource.getConnection()) {
            ingestPartitions.ensure(c, MetricCatalog.STATEMENTS, Resolution.RAW, Instant.parse("2026-03-04T09:00:00Z"));
        }
        execute(dataSource, "INSERT INTO ts.statements (instance_id, collected_at, dbid, userid, queryid, calls) VALUES (1, ?, 5, 10, 12, 3)",
                utc("2026-03-04T09:00:00Z"));
        String batch = "INSERT INTO ingest_batch (batch_id, collector_id, received_at, row_count, accepted) VALUES (?, 'c1', ?, 1, '{}')";
        execute(dataSource, batch, "old", utc("2026-02-24T09:59:00Z")); // ingest.idempotency-retention defaults to 8 days
        execute(dataSource, batch, "recent", utc("2026-02-24T10:01:00Z"));

        RetentionReport report = runRetention();
        assertEquals(1, report.statementTextsDeleted());
        assertEquals(List.of(List.of(12L), List.of(13L)),
                MaintenanceFixture.rows(dataSource, "SELECT queryid FROM ts.statement_text ORDER BY 1"));
        assertEquals(1, report.ingestBatchesDeleted());
        assertEquals(List.of(List.of("recent")), MaintenanceFixture.rows(dataSource, "SELECT batch_id FROM ingest_batch"));
    }
}
