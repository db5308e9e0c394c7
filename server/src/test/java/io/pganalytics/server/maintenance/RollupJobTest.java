package io.pganalytics.server.maintenance;

import com.zaxxer.hikari.HikariDataSource;
import io.pganalytics.common.catalog.Family;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.server.cluster.ClusterModule;
import io.pganalytics.server.db.TimeSeriesDialect;
import io.pganalytics.server.metrics.MetricsRegistry;
import io.pganalytics.server.series.Partitions;
import io.pganalytics.server.series.SeriesSchema.Resolution;
import io.pganalytics.server.testing.HazelcastMembers;
import io.pganalytics.server.testing.ManualClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.pganalytics.server.maintenance.MaintenanceFixture.count;
import static io.pganalytics.server.maintenance.MaintenanceFixture.execute;
import static io.pganalytics.server.maintenance.MaintenanceFixture.rows;
import static io.pganalytics.server.maintenance.MaintenanceFixture.utc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rollups on real PostgreSQL with a controllable clock: what they compute, when, and that reruns change nothing. */
@Tag("fault-and-attack")
class RollupJobTest {
    private static ClusterModule member;
    private HikariDataSource dataSource;
    private ManualClock clock;
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
        dataSource = MaintenanceFixture.newDatabase("rollups");
        clock = new ManualClock(Instant.parse("2026-03-04T10:02:30Z"));
        start(Map.of());
    }

    private void start(Map<String, String> config) {
        if (maintenance != null) {
            maintenance.close();
        }
        maintenance = new MaintenanceFeature(MaintenanceFixture.config(config), dataSource, TimeSeriesDialect.PLAIN,
                member.hazelcast(), clock, new MetricsRegistry());
    }

    @AfterEach
    void close() {
        maintenance.close();
        dataSource.close();
    }

    private RollupReport rollUp() throws SQLException {
        return maintenance.runRollupsOnce().orElseThrow(() -> new AssertionError("the rollup lease was not free"));
    }

    private void rawPartitionFor(Family family, String at) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            new Partitions().ensure(c, family, Resolution.RAW, Instant.parse(at));
        }
    }

    private void database(long instance, String at, String datname, long xactCommit, long numbackends) throws SQLException {
        rawPartitionFor(MetricCatalog.DATABASE, at);
        execute(dataSource, "INSERT INTO ts.database (instance_id, collected_at, interval_seconds, datname, xact_commit, numbackends, blk_read_time)"
                + " VALUES (?, ?, 30, ?, ?, ?, ?)", instance, utc(at), datname, xactCommit, numbackends, xactCommit * 0.5);
    }

    private void activity(long instance, String at, long total) throws SQLException {
        rawPartitionFor(MetricCatalog.ACTIVITY, at);
        execute(dataSource, "INSERT INTO ts.activity (instance_id, collected_at, datname, total) VALUES (?, ?, 'app', ?)",
                instance, utc(at), total);
    }

    private void waitEvent(long instance, String at, String waitEvent, long backends) throws SQLException {
        rawPartitionFor(MetricCatalog.WAIT_EVENTS, at);
        execute(dataSource, "INSERT INTO ts.wait_events (instance_id, collected_at, datname, backend_type, wait_event_type, wait_event, backends)"
                + " VALUES (?, ?, NULL, 'client backend', ?, ?, ?)", instance, utc(at), waitEvent == null ? null : "LWLock", waitEvent, backends);
    }

    /** Two instances, two minutes: counters, numeric gauges, six activity samples in the first minute and two in the second. */
    private void twoMinutesOfRawRows() throws SQLException {
        database(1, "2026-03-04T10:00:10Z", "app", 100, 5);
        database(1, "2026-03-04T10:00:40Z", "app", 50, 7);
        database(1, "2026-03-04T10:01:20Z", "app", 30, 3);
        database(2, "2026-03-04T10:00:30Z", "app", 1000, 10);
        database(1, "2026-03-04T10:02:10Z", "app", 9, 9); // the open minute at 10:02:30
        for (int i = 0; i < 6; i++) {
            activity(1, "2026-03-04T10:00:" + (i * 10 < 10 ? "0" : "") + (i * 10) + "Z", i + 1);
        }
        activity(1, "2026-03-04T10:01:00Z", 10);
        activity(1, "2026-03-04T10:01:30Z", 20);
    }

    @Test
    void aMinuteRollupIsTheAggregateOfItsRawRows() throws Exception {
        twoMinutesOfRawRows();
        rollUp();

        List<List<Object>> minutes = rows(dataSource, """
                SELECT instance_id, bucket, samples, interval_seconds, xact_commit, blk_read_time,
                       numbackends_avg, numbackends_min, numbackends_max, numbackends_last
                FROM ts.database_1m ORDER BY instance_id, bucket""");
        assertEquals(List.of(
                List.of(1L, Instant.parse("2026-03-04T10:00:00Z"), 2, 60.0, 150L, 75.0, 6.0, 5L, 7L, 7L),
                List.of(1L, Instant.parse("2026-03-04T10:01:00Z"), 1, 30.0, 30L, 15.0, 3.0, 3L, 3L, 3L),
                List.of(2L, Instant.parse("2026-03-04T10:00:00Z"), 1, 30.0, 1000L, 500.0, 10.0, 10L, 10L, 10L)), minutes,
                "sums of deltas, avg/min/max/last of gauges, samples and seconds covered; the open minute 10:02 is not written");

        List<List<Object>> activity = rows(dataSource, """
                SELECT bucket, samples, total_avg, total_min, total_max, total_last FROM ts.activity_1m ORDER BY bucket""");
        assertEquals(List.of(
                List.of(Instant.parse("2026-03-04T10:00:00Z"), 6, 3.5, 1L, 6L, 6L),
                List.of(Instant.parse("2026-03-04T10:01:00Z"), 2, 15.0, 10L, 20L, 20L)), activity);
    }

    @Test
    void anHourRollupOfMinutesEqualsTheAggregateOfTheRawRowsIncludingTheWeightedAverage() throws Exception {
        twoMinutesOfRawRows();
        rollUp();
        clock.set(Instant.parse("2026-03-04T11:00:30Z"));
        rollUp();

        String fromRaw = """
                SELECT instance_id, date_trunc('hour', collected_at), count(*)::integer, sum(interval_seconds), sum(xact_commit)::bigint,
                       sum(blk_read_time), avg(numbackends)::double precision, min(numbackends), max(numbackends),
                       (array_agg(numbackends ORDER BY collected_at DESC))[1]
                FROM ts.database WHERE collected_at < '2026-03-04T11:00:00Z' GROUP BY 1, 2 ORDER BY 1, 2""";
        String hours = """
                SELECT instance_id, bucket, samples, interval_seconds, xact_commit, blk_read_time,
                       numbackends_avg, numbackends_min, numbackends_max, numbackends_last
                FROM ts.database_1h ORDER BY 1, 2""";
        assertEquals(rows(dataSource, fromRaw), rows(dataSource, hours));

        List<Object> activity = rows(dataSource, "SELECT samples, total_avg, total_min, total_max, total_last FROM ts.activity_1h").getFirst();
        // (1+2+3+4+5+6+10+20)/8, not the average of the two minutes' averages (3.5 and 15)
        assertEquals(List.of(8, 51.0 / 8, 1L, 20L, 20L), activity);
        assertEquals(count(dataSource, "SELECT avg(total) * 1000 FROM ts.activity"), Math.round((Double) activity.get(1) * 1000));
    }

    @Test
    void rerunningTheRollupsWritesNoDuplicatesEvenForNullKeys() throws Exception {
        twoMinutesOfRawRows();
        waitEvent(1, "2026-03-04T10:00:10Z", null, 4);
        waitEvent(1, "2026-03-04T10:00:20Z", null, 6);
        waitEvent(1, "2026-03-04T10:00:20Z", "BufferMapping", 1);
        rollUp();
        clock.set(Instant.parse("2026-03-04T11:00:30Z"));
        rollUp();
        String snapshot = "SELECT * FROM ts.%s ORDER BY 1, 2, 5, 6, 7, 8";
        List<List<Object>> minutes = rows(dataSource, snapshot.formatted("wait_events_1m"));
        List<List<Object>> hours = rows(dataSource, snapshot.formatted("wait_events_1h"));
        List<List<Object>> databaseMinutes = rows(dataSource, "SELECT * FROM ts.database_1m ORDER BY 1, 2, 5");

        clock.advance(Duration.ofMinutes(1));
        rollUp();
        rollUp();

        assertEquals(minutes, rows(dataSource, snapshot.formatted("wait_events_1m")), "minutes unchanged by reruns");
        assertEquals(hours, rows(dataSource, snapshot.formatted("wait_events_1h")), "hours unchanged by reruns");
        assertEquals(databaseMinutes, rows(dataSource, "SELECT * FROM ts.database_1m ORDER BY 1, 2, 5"));
        assertEquals(1, count(dataSource, "SELECT count(*) FROM ts.wait_events_1m WHERE wait_event IS NULL"));
        assertEquals(1, count(dataSource, "SELECT count(*) FROM ts.wait_events_1h WHERE wait_event IS NULL AND datname IS NULL"));
        assertEquals(List.of(List.of(2, 5.0, 4L, 6L, 6L)), rows(dataSource,
                "SELECT samples, backends_avg, backends_min, backends_max, backends_last FROM ts.wait_events_1h WHERE wait_event IS NULL"));
    }

    @Test
    void lateDataWithinTheRecomputeWindowIsPickedUpAndOlderLateDataIsNot() throws Exception {
        twoMinutesOfRawRows();
        rollUp();
        database(1, "2026-03-04T10:00:50Z", "app", 7, 8); // arrives late
        clock.set(Instant.parse("2026-03-04T10:14:00Z")); // 10:00 is still within the last 15 closed minutes
        rollUp();
        assertEquals(List.of(List.of(3, 157L, 8L)), rows(dataSource,
                "SELECT samples, xact_commit, numbackends_last FROM ts.database_1m WHERE instance_id = 1 AND bucket = '2026-03-04T10:00:00Z'"));

        database(1, "2026-03-04T10:00:55Z", "app", 1000, 1); // too late: the window has moved past 10:00
        clock.set(Instant.parse("2026-03-04T10:30:00Z"));
        rollUp();
        assertEquals(157L, count(dataSource,
                "SELECT xact_commit FROM ts.database_1m WHERE instance_id = 1 AND bucket = '2026-03-04T10:00:00Z'"));
    }

    @Test
    void afterDowntimeTheWatermarkCatchesUpInBoundedChunks() throws Exception {
        start(Map.of("rollups.minute-chunk", "1h"));
        clock.set(Instant.parse("2026-03-04T10:01:00Z"));
        database(1, "2026-03-04T10:00:10Z", "app", 1, 1);
        database(1, "2026-03-04T12:30:10Z", "app", 2, 2);
        database(1, "2026-03-04T13:40:10Z", "app", 3, 3);
        assertEquals(Instant.parse("2026-03-04T10:01:00Z"), rollUp().oldestWatermark().get(Resolution.MINUTE));

        clock.set(Instant.parse("2026-03-04T14:00:00Z")); // nearly four hours of downtime
        List<Instant> watermarks = new java.util.ArrayList<>();
        for (int run = 0; run < 5; run++) {
            watermarks.add(rollUp().oldestWatermark().get(Resolution.MINUTE));
        }
        assertEquals(List.of(Instant.parse("2026-03-04T11:01:00Z"), Instant.parse("2026-03-04T12:01:00Z"),
                Instant.parse("2026-03-04T13:01:00Z"), Instant.parse("2026-03-04T14:00:00Z"),
                Instant.parse("2026-03-04T14:00:00Z")), watermarks, "one hour per run, then caught up");
        assertEquals(List.of(List.of(Instant.parse("2026-03-04T10:00:00Z"), 1L), List.of(Instant.parse("2026-03-04T12:30:00Z"), 2L),
                List.of(Instant.parse("2026-03-04T13:40:00Z"), 3L)), rows(dataSource, "SELECT bucket, xact_commit FROM ts.database_1m ORDER BY 1"));
        assertEquals(List.of(List.of(Instant.parse("2026-03-04T10:00:00Z"), 1L), List.of(Instant.parse("2026-03-04T12:00:00Z"), 2L),
                        List.of(Instant.parse("2026-03-04T13:00:00Z"), 3L)),
                rows(dataSource, "SELECT bucket, xact_commit FROM ts.database_1h ORDER BY 1"), "hours follow the minutes");
    }

    /**
     * What /waits divides by survives the rollups: every activity sample leaves a row (zeros included), so a bucket's
     * samples (the most of any database) are the samples taken, and avg x samples of a wait event restores its sum.
     */
    @Test
    void minuteAndHourRollupsKeepTheSamplesTakenAndTheWaitSumsSoAveragesOverIdleSamplesAreExact() throws Exception {
        for (int i = 0; i < 6; i++) {
            activity(1, "2026-03-04T10:00:" + (i * 10 < 10 ? "0" : "") + (i * 10) + "Z", i < 3 ? 2 : 0);
            activity(1, "2026-03-04T10:01:" + (i * 10 < 10 ? "0" : "") + (i * 10) + "Z", 0); // idle: zeros, still a row
        }
        waitEvent(1, "2026-03-04T10:00:00Z", "WALWrite", 2);
        waitEvent(1, "2026-03-04T10:00:10Z", "WALWrite", 2);
        waitEvent(1, "2026-03-04T10:00:20Z", null, 1);
        rollUp();
        clock.set(Instant.parse("2026-03-04T11:00:30Z"));
        rollUp();

        String samplesTaken = "SELECT sum(n) FROM (SELECT bucket, max(samples) AS n FROM ts.activity_%s GROUP BY bucket) b";
        String waitSum = "SELECT sum(backends_avg * samples) FROM ts.wait_events_%s WHERE wait_event IS NOT DISTINCT FROM ?";
        for (String level : List.of("1m", "1h")) {
            assertEquals(12, count(dataSource, samplesTaken.formatted(level)), level + ": the samples taken");
            assertEquals(4.0, ((Number) rows(dataSource, waitSum.formatted(level), "WALWrite").getFirst().getFirst()).doubleValue(),
                    1e-12, level + ": backend-samples of WALWrite");
            assertEquals(1.0, ((Number) rows(dataSource, waitSum.formatted(level), (Object) null).getFirst().getFirst()).doubleValue(),
                    1e-12, level + ": backend-samples on CPU");
        }
    }

    @Test
    void theRollupLagIsOnTheAdminMetrics() throws Exception {
        MetricsRegistry metrics = new MetricsRegistry();
        maintenance.close();
        maintenance = new MaintenanceFeature(MaintenanceFixture.config(Map.of()), dataSource, TimeSeriesDialect.PLAIN,
                member.hazelcast(), clock, metrics);
        rollUp();
        clock.advance(Duration.ofSeconds(30));
        String scrape = metrics.scrape();
        // watermark 10:02:00, now 10:03:00
        assertTrue(scrape.contains("pganalytics_maintenance_rollup_1m_lag_seconds 60\n"), scrape);
        assertTrue(scrape.contains("pganalytics_maintenance_partitions_created_total{resolution=\"minute\"}"), scrape);
        assertTrue(scrape.contains("pganalytics_maintenance_job_seconds_count{job=\"rollups\"} 1\n"), scrape);
        assertTrue(scrape.contains("pganalytics_maintenance_rollups_last_success_seconds "
                + Instant.parse("2026-03-04T10:02:30Z").getEpochSecond() + "\n"), scrape);
    }
}
