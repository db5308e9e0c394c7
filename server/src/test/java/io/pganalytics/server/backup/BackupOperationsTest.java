package io.pganalytics.server.backup;

import com.zaxxer.hikari.HikariDataSource;
import io.pganalytics.common.backup.OperationStarted;
import io.pganalytics.common.backup.OperationView;
import io.pganalytics.server.db.Migrations;
import io.pganalytics.server.db.TimeSeriesDialect;
import io.pganalytics.server.testing.ManualClock;
import io.pganalytics.server.testing.SharedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The runs table on a real PostgreSQL: one run of a kind at a time, progress written at most every 2 s, stale runs failed. */
class BackupOperationsTest {
    private static HikariDataSource dataSource;

    @BeforeAll
    static void database() {
        dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(SharedPostgres.newDatabase("backup_operations"));
        dataSource.setUsername("postgres");
        dataSource.setMaximumPoolSize(12);
        dataSource.setAutoCommit(false);
        Migrations.apply(dataSource, TimeSeriesDialect.PLAIN);
    }

    @AfterAll
    static void close() {
        dataSource.close();
    }

    @Test
    void concurrentStartsOfOneKindStartOneRunAndGiveEveryoneThatRun() throws Exception {
        ManualClock clock = ManualClock.startingNow();
        BackupOperations operations = new BackupOperations(dataSource, clock, "node-a", Duration.ofMinutes(2));
        ExecutorService pool = Executors.newFixedThreadPool(10);
        List<OperationStarted> answers = new ArrayList<>();
        try {
            List<Callable<OperationStarted>> calls = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                calls.add(() -> operations.start(BackupOperations.RESTORE, null, "u" , "starting", null));
            }
            for (Future<OperationStarted> answer : pool.invokeAll(calls)) {
                answers.add(answer.get());
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(1, answers.stream().filter(OperationStarted::started).count(), answers.toString());
        Set<UUID> ids = new HashSet<>();
        answers.forEach(a -> ids.add(a.operation().id()));
        assertEquals(1, ids.size());
        UUID id = ids.iterator().next();
        assertTrue(operations.start(BackupOperations.EXPIRE, null, "u", "starting", null).started(), "another kind runs beside it");

        operations.failed(id, "x".repeat(10_000));
        OperationView failed = operations.find(id).orElseThrow();
        assertEquals(OperationView.FAILED, failed.state());
        assertEquals(4000, failed.error().length(), "the error is bounded");
        assertTrue(operations.start(BackupOperations.RESTORE, null, "u", "starting", null).started(), "a new run once it ended");
    }

    @Test
    void progressIsWrittenAtMostEveryTwoSecondsAndThePhaseAtOnce() {
        ManualClock clock = ManualClock.startingNow();
        BackupOperations operations = new BackupOperations(dataSource, clock, "node-a", Duration.ofMinutes(2));
        UUID id = operations.start(BackupOperations.VERIFY, "b1", "u", "starting", null).operation().id();
        Progress progress = operations.progress(id);
        progress.bytes(100, 1000);
        progress.bytes(200, 1000);
        progress.bytes(300, 1000);
        assertEquals(100, operations.find(id).orElseThrow().doneBytes(), "later bytes within 2 s are not written");
        progress.phase("replaying WAL");
        OperationView phased = operations.find(id).orElseThrow();
        assertEquals("replaying WAL", phased.phase(), "a new phase is written at once");
        clock.advance(Duration.ofMillis(2001));
        progress.bytes(700, 1000);
        assertEquals(700, operations.find(id).orElseThrow().doneBytes());
        assertEquals(1000L, operations.find(id).orElseThrow().totalBytes());
        operations.succeeded(id, "b1");
        OperationView done = operations.find(id).orElseThrow();
        assertEquals(OperationView.SUCCEEDED, done.state());
        assertEquals(1000, done.doneBytes());
        assertNull(done.error());
    }

    @Test
    void aRunWhoseNodeStoppedBeatingIsFailedByAnotherNodeWhichThenStartsItsOwn() {
        ManualClock clock = ManualClock.startingNow();
        BackupOperations a = new BackupOperations(dataSource, clock, "node-a", Duration.ofMinutes(2));
        BackupOperations b = new BackupOperations(dataSource, clock, "node-b", Duration.ofMinutes(2));
        UUID first = a.start(BackupOperations.BACKUP, null, "schedule", "starting", "{\"backupKind\":\"full\"}").operation().id();
        clock.advance(Duration.ofSeconds(90));
        a.heartbeat(first);
        clock.advance(Duration.ofSeconds(90));
        OperationStarted refused = b.start(BackupOperations.BACKUP, null, "schedule", "starting", null);
        assertFalse(refused.started(), "a beating run is not stale");
        assertEquals(first, refused.operation().id());

        clock.advance(Duration.ofSeconds(121));
        OperationStarted taken = b.start(BackupOperations.BACKUP, null, "schedule", "starting", null);
        assertTrue(taken.started());
        OperationView stale = a.find(first).orElseThrow();
        assertEquals(OperationView.FAILED, stale.state());
        assertEquals("node node-a stopped while it ran", stale.error());
        assertEquals(first, a.newest(BackupOperations.BACKUP, "backupKind", "full").orElseThrow().id());
        b.succeeded(taken.operation().id(), null);
    }
}
