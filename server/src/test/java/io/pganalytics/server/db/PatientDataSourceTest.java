package io.pganalytics.server.db;

import com.zaxxer.hikari.util.DriverDataSource;
import io.pganalytics.server.testing.TestServers;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pool's source of connections waits for a database that refuses them, and for nothing else. */
class PatientDataSourceTest {
    @Test
    void aConnectionAskedForWhileTheDatabaseIsDownIsMadeOnceItAcceptsConnectionsAgain(@TempDir Path dir) throws Exception {
        int port = TestServers.freePort();
        EmbeddedPostgres postgres = start(dir, port);
        postgres.close();
        PatientDataSource source = new PatientDataSource(source(port, "postgres"), Duration.ofSeconds(60));
        CompletableFuture<Integer> asked = CompletableFuture.supplyAsync(() -> {
            try (Connection c = source.getConnection(); var rs = c.createStatement().executeQuery("SELECT 1")) {
                rs.next();
                return rs.getInt(1);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        assertFalse(asked.isDone(), "waiting for the database, not failed");
        postgres = start(dir, port);
        try {
            assertEquals(1, asked.get(30, TimeUnit.SECONDS), "made once the database is back");
        } finally {
            postgres.close();
        }
    }

    @Test
    void aWrongPasswordFailsAtOnce(@TempDir Path dir) throws Exception {
        int port = TestServers.freePort();
        try (EmbeddedPostgres postgres = start(dir, port)) {
            PatientDataSource source = new PatientDataSource(new DriverDataSource("jdbc:postgresql://127.0.0.1:" + port + "/postgres",
                    null, new Properties(), "no_such_role", "wrong"), Duration.ofSeconds(60));
            long started = System.nanoTime();
            SQLException e = assertThrows(SQLException.class, source::getConnection);
            assertFalse(PatientDataSource.refused(e), e.getSQLState());
            assertTrue(System.nanoTime() - started < Duration.ofSeconds(30).toNanos(), "not retried for the whole patience");
        }
    }

    private static DriverDataSource source(int port, String user) {
        return new DriverDataSource("jdbc:postgresql://127.0.0.1:" + port + "/postgres", null, new Properties(), user, null);
    }

    private static EmbeddedPostgres start(Path dir, int port) throws Exception {
        return EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(false).setPort(port).start();
    }
}
