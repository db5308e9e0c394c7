package io.pganalytics.tools.bench;

import io.pganalytics.collector.postgres.EmbeddedPostgresVersions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every incident the suite plants shows in PostgreSQL's own statistics (the evidence the suite prints), on a primary and
 * streaming standby of the suite's own over its steady load, and is undone by closing it.
 */
class IncidentPlanterTest {
    private static Path dir;
    private static IncidentCluster cluster;
    private static IncidentWorkload workload;
    private static IncidentPlanter planter;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("incident-planter");
        Path bin;
        try (Connection c = EmbeddedPostgresVersions.withPgStatStatements(17).admin("postgres").getConnection()) {
            bin = IncidentCluster.binariesOf(c);
        }
        cluster = IncidentCluster.start(bin, dir, true);
        IncidentWorkload.createSchema(cluster.primary("test"));
        workload = IncidentWorkload.start(cluster.primary("incident-workload"), 2, 25, 20);
        planter = new IncidentPlanter(cluster, Duration.ofSeconds(2), 10, 12);
    }

    @AfterAll
    static void stop() throws Exception {
        if (workload != null) {
            workload.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        BenchCommand.deleteTree(dir);
    }

    @Test
    void theQueryRegressionTurnsTheHotLookupIntoSequentialScansAndTheIndexComesBack() throws Exception {
        assertPlanted(Incident.QUERY_REGRESSION, "seq_scan");
        assertEquals(1, IncidentPlanter.scalar(cluster.primary("test"),
                "SELECT count(*) FROM pg_indexes WHERE indexname = '" + IncidentWorkload.HOT_INDEX + "'"));
    }

    @Test
    void theLockStormShowsEveryWaiterOnALockInPgStatActivityAndTheyAllGetThroughAfterwards() throws Exception {
        assertPlanted(Incident.LOCK_STORM, "waiting on a Lock");
        assertEquals(0, IncidentPlanter.scalar(cluster.primary("test"),
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + IncidentPlanter.WAITER_APPLICATION + "'"));
    }

    @Test
    void theConnectionLeakShowsGrowingIdleSessionsThatCloseAfterwards() throws Exception {
        assertPlanted(Incident.CONNECTION_LEAK, "idle sessions");
        assertEquals(0, IncidentPlanter.scalar(cluster.primary("test"),
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + IncidentPlanter.LEAK_APPLICATION + "'"));
    }

    @Test
    void replicationLagShowsInPgStatReplicationAndTheStandbyCatchesUpAfterwards() throws Exception {
        assertPlanted(Incident.REPLICATION_LAG, "pg_stat_replication");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        long behind;
        do {
            Thread.sleep(200);
            behind = IncidentPlanter.scalar(cluster.primary("test"),
                    "SELECT coalesce(max(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn))::bigint, -1) FROM pg_stat_replication");
        } while (behind > 64 * 1024 && System.nanoTime() < deadline);
        assertTrue(behind >= 0 && behind <= 64 * 1024, "the standby replays again: " + behind + " bytes behind");
    }

    @Test
    void theCheckpointStormShowsRequestedCheckpoints() throws Exception {
        assertPlanted(Incident.CHECKPOINT_STORM, "checkpoints requested");
    }

    @Test
    void autovacuumFallingBehindShowsACrawlingWorkerAndDeadRows() throws Exception {
        assertPlanted(Incident.AUTOVACUUM_BEHIND, "dead rows");
        assertEquals(0, IncidentPlanter.scalar(cluster.primary("test"),
                "SELECT count(*) FROM pg_class WHERE relname = 'incident_churn' AND reloptions IS NOT NULL"));
    }

    private static void assertPlanted(Incident incident, String expected) throws Exception {
        String evidence;
        try (IncidentPlanter.Planted planted = planter.plant(incident)) {
            evidence = planted.evidence();
            assertFalse(planted.culprits().isEmpty());
        }
        assertTrue(evidence.contains(expected), incident + ": " + evidence);
        assertTrue(workload.transactions() > 0, "the steady load runs");
    }
}
