package io.pganalytics.server.crypto;

import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.Eventually;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.Sql;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** Starting a re-wrap run while another is running, heading elsewhere, or ending at that very moment. */
class RewrapRunRepositoryTest {

    @Test
    void aRequestTowardsTheRunningTargetKeepsTheRunAndItsCursors() throws Exception {
        try (PgAnalyticsServer server = TestServers.start(SharedPostgres.newDatabase("rewrap_same"), TestServers.newClusterName(), Map.of())) {
            DataSource db = server.database().dataSource();
            RewrapRunRepository runs = new RewrapRunRepository(db);
            // a key that is not current here: the node's worker leaves such a run alone for ten seconds
            int target = server.crypto().keys().currentKeyId() + 1000;
            RewrapRunRepository.Run first = runs.startOrRetarget(target, 10, "test", Instant.now());
            Sql.execute(db, "INSERT INTO crypto_rewrap_cursor (run_id, sealed_column, after_row) VALUES (" + first.id() + ", 't.c', 'k5')");
            RewrapRunRepository.Run again = runs.startOrRetarget(target, 10, "test", Instant.now());
            assertEquals(first.id(), again.id());
            assertEquals("k5", runs.cursor(first.id(), "t.c"), "the run goes on where it was");
        }
    }

    /** CI found this: the run ended between the request's read and its update, and the request answered 500. */
    @Test
    void aRunThatEndsWhileTheRequestWaitsIsLeftAloneAndANewRunStarts() throws Exception {
        try (PgAnalyticsServer server = TestServers.start(SharedPostgres.newDatabase("rewrap_race"), TestServers.newClusterName(), Map.of())) {
            DataSource db = server.database().dataSource();
            RewrapRunRepository runs = new RewrapRunRepository(db);
            int current = server.crypto().keys().currentKeyId();
            RewrapRunRepository.Run ending = runs.startOrRetarget(current + 1000, 0, "test", Instant.now());
            try (Connection worker = db.getConnection()) {
                worker.setAutoCommit(false);
                try (PreparedStatement finish = worker.prepareStatement("UPDATE crypto_rewrap_run SET state = 'done', finished_at = now() WHERE id = ?")) {
                    finish.setLong(1, ending.id());
                    finish.executeUpdate();
                }
                // the request reads the run as running (the end is not committed yet) and waits on its row
                CompletableFuture<RewrapRunRepository.Run> request = CompletableFuture.supplyAsync(
                        () -> runs.startOrRetarget(current, 7, "test", Instant.now()));
                Eventually.await(Duration.ofSeconds(10), "the request waits for the run's row", () -> lockWaits(db) > 0);
                worker.commit();
                RewrapRunRepository.Run started = request.get(10, TimeUnit.SECONDS);
                assertNotEquals(ending.id(), started.id());
                assertEquals(current, started.targetKey());
            }
            assertEquals(String.valueOf(current + 1000), Sql.rows(db, "SELECT target_key FROM crypto_rewrap_run WHERE id = " + ending.id()).get(0).get(0),
                    "the ended run is not retargeted");
        }
    }

    private static long lockWaits(DataSource db) {
        try {
            return Long.parseLong(Sql.rows(db, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    + " AND wait_event_type = 'Lock' AND query LIKE 'UPDATE crypto_rewrap_run SET target_key%'").get(0).get(0));
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
