package io.pganalytics.server.maintenance;

import com.zaxxer.hikari.HikariDataSource;
import io.pganalytics.server.cluster.ClusterModule;
import io.pganalytics.server.cluster.JobLeases;
import io.pganalytics.server.db.TimeSeriesDialect;
import io.pganalytics.server.metrics.MetricsRegistry;
import io.pganalytics.server.testing.Eventually;
import io.pganalytics.server.testing.HazelcastMembers;
import io.pganalytics.server.testing.ManualClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The feature across two nodes (two Hazelcast members, one database): one node at a time, take-over, scheduling. */
class MaintenanceFeatureTest {
    private static HazelcastMembers cluster;
    private static ClusterModule nodeA;
    private static ClusterModule nodeB;
    private static HikariDataSource dataSource;
    private static final ManualClock CLOCK = new ManualClock(Instant.parse("2026-03-04T10:02:30Z"));

    @BeforeAll
    static void start() {
        cluster = new HazelcastMembers(3);
        nodeA = cluster.start(0, 1);
        nodeB = cluster.start(1, 2);
        dataSource = MaintenanceFixture.newDatabase("maintenance_nodes");
    }

    @AfterAll
    static void stop() {
        nodeB.close();
        nodeA.close();
        dataSource.close();
    }

    private static MaintenanceFeature feature(ClusterModule node, MetricsRegistry metrics, Map<String, String> config) {
        return new MaintenanceFeature(MaintenanceFixture.config(config), dataSource, TimeSeriesDialect.PLAIN, node.hazelcast(),
                CLOCK, metrics);
    }

    @Test
    void whileOneNodeRunsAJobTheOtherSkipsItAndTakesOverWhenTheFirstDies() throws Exception {
        ClusterModule doomed = cluster.start(2, 3);
        // node C is in the middle of the rollups (it holds their lease) when it dies
        JobLeases leasesC = new JobLeases(doomed.hazelcast(), Duration.ofSeconds(2));
        leasesC.tryAcquire("maintenance." + MaintenanceFeature.ROLLUPS).orElseThrow();
        try (MaintenanceFeature onB = feature(nodeB, new MetricsRegistry(), Map.of("lease-ttl", "2s"))) {
            assertTrue(onB.runRollupsOnce().isEmpty(), "node B skips the rollups while node C runs them");
            assertTrue(onB.runRetentionOnce().isPresent(), "other jobs have leases of their own");

            leasesC.close();
            doomed.hazelcast().getLifecycleService().terminate();
            Eventually.await(Duration.ofSeconds(30), "node B takes the rollups over once the dead node's lease expired", () -> {
                try {
                    return onB.runRollupsOnce().isPresent();
                } catch (java.sql.SQLException e) {
                    throw new AssertionError(e);
                }
            });
        }
    }

    @Test
    void onlyOneOfTwoNodesRunsAJobAtATimeAndTheOtherRunsItWhenTheFirstCloses() throws Exception {
        MaintenanceFeature onA = feature(nodeA, new MetricsRegistry(), Map.of());
        try (MaintenanceFeature onB = feature(nodeB, new MetricsRegistry(), Map.of())) {
            JobLeases leasesA = new JobLeases(nodeA.hazelcast(), Duration.ofSeconds(30));
            JobLeases.Lease running = leasesA.tryAcquire("maintenance." + MaintenanceFeature.RETENTION).orElseThrow();
            assertTrue(onB.runRetentionOnce().isEmpty(), "node A is running the job: node B does not");
            assertTrue(onA.runRetentionOnce().isEmpty(), "nor does a second run on node A itself");
            running.close();
            leasesA.close();
            onA.close();
            assertTrue(onB.runRetentionOnce().isPresent(), "node A is done and closed: node B runs the job");
        }
    }

    @Test
    void startSchedulesBothJobsAndCloseStopsThemPromptly() {
        MetricsRegistry metrics = new MetricsRegistry();
        MaintenanceFeature scheduled = feature(nodeA, metrics, Map.of("rollup-interval", "1s", "retention-interval", "1s"));
        scheduled.start();
        Eventually.await(Duration.ofSeconds(60), "both jobs ran on schedule", () -> {
            String scrape = metrics.scrape();
            return scrape.contains("pganalytics_maintenance_job_seconds_count{job=\"rollups\"}")
                    && scrape.contains("pganalytics_maintenance_job_seconds_count{job=\"retention\"}");
        });
        long start = System.nanoTime();
        scheduled.close();
        long closedMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(closedMillis < 16_000, "close took " + closedMillis + " ms");
        assertEquals(-1, metrics.scrape().indexOf("pganalytics_maintenance_job_failures_total{"), metrics.scrape());
    }
}
