package io.pganalytics.server.backup;

import io.pganalytics.common.backup.BackupStatus;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.Eventually;
import io.pganalytics.server.testing.ManualClock;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The schedule on a real server whose clock the test moves: the first backup shortly after start, then full backups at
 * full-at every full-every, the chain's verification every chain-verify-every, and a missed backup as a failing health.
 */
class BackupSchedulerTest {

    @Test
    void firstBackupAfterTheDelayThenDailyAtFullAtThenChainVerificationAndAMissedBackupFailsTheHealth() {
        ManualClock clock = new ManualClock(Instant.parse("2026-12-07T00:00:00Z"));
        try (PgAnalyticsServer server = TestServers.start(SharedPostgres.newDatabase("backup_schedule"), TestServers.newClusterName(),
                Map.of("backup.schedule.first-delay", "5m", "backup.verify.after-backup", "false"), clock)) {
            FileStoreTestEngine engine = new FileStoreTestEngine(TestServers.tempDir().resolve("repository"), server.backup().catalog(), clock);
            server.backup().useEngine(engine);
            BackupScheduler scheduler = server.backup().scheduler();

            clock.advance(Duration.ofMinutes(1));
            assertEquals(List.of(), scheduler.tick(), "nothing before the first delay");
            assertEquals(Instant.parse("2026-12-07T00:05:00Z"), scheduler.nextFullAt());

            clock.set(Instant.parse("2026-12-07T00:05:00Z"));
            assertEquals(List.of("full"), scheduler.tick(), "the first backup once the delay passed");
            awaitIdle(server);
            assertEquals(1, engine.backupsTaken.get());
            assertEquals(Instant.parse("2026-12-08T01:00:00Z"), scheduler.nextFullAt(), "then at full-at, at least half a period later");

            clock.set(Instant.parse("2026-12-08T00:59:59Z"));
            assertEquals(List.of(), scheduler.tick());
            clock.set(Instant.parse("2026-12-08T01:00:00Z"));
            assertEquals(List.of("full"), scheduler.tick());
            awaitIdle(server);
            assertEquals(2, engine.backupsTaken.get());
            assertEquals(Instant.parse("2026-12-09T01:00:00Z"), scheduler.nextFullAt());
            assertEquals(List.of(), scheduler.tick(), "one backup per slot");

            clock.set(Instant.parse("2026-12-09T02:00:01Z"));
            BackupHealth health = new BackupHealth(server.backup().service(), Optional.empty(), server.dataDir(), clock);
            BackupStatus status = health.status(scheduler::nextFullAt);
            assertEquals("failing", status.health(), status.toString());
            assertTrue(status.problems().getFirst().startsWith("missed: a full backup was due at 2026-12-09T01:00:00Z"), status.toString());

            clock.set(Instant.parse("2026-12-14T00:05:00Z"));
            List<String> started = scheduler.tick();
            assertTrue(started.containsAll(List.of("full", "verify-chain")), "the chain is verified a week after the first backup: " + started);
            awaitIdle(server);
            assertEquals("succeeded", server.backup().service().operations().newest(BackupOperations.VERIFY, "chain", "true").orElseThrow().state());
            BackupStatus healthy = health.status(scheduler::nextFullAt);
            assertEquals("ok", healthy.health(), healthy.toString());
        }
    }

    private static void awaitIdle(PgAnalyticsServer server) {
        Eventually.await(Duration.ofSeconds(30), "every backup run ended", () -> server.backup().service().operations().running().isEmpty());
    }
}
