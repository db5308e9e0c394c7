package io.pganalytics.server.db;

import io.helidon.config.Config;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The embedded default is as safe as production (docs/SERVER.md, "Embedded PostgreSQL"): durable, reachable only with a
 * secret, the application not a superuser, a data directory trusted by the old code upgraded, its lock and its
 * postmaster.pid respected.
 */
@Tag("fault-and-attack")
class EmbeddedPostgresSafetyTest {

    @Test
    void anAcknowledgedCommitIsDurableFsyncSynchronousCommitAndFullPageWritesAreOn(@TempDir Path dataDir) throws Exception {
        try (DatabaseModule database = start(dataDir); Connection c = database.dataSource().getConnection()) {
            assertEquals("on", show(c, "fsync"));
            assertEquals("on", show(c, "synchronous_commit"));
            assertEquals("on", show(c, "full_page_writes"));
        }
    }

    @Test
    void aConnectionWithoutThePasswordIsRefusedAndTheApplicationRoleIsNoSuperuser(@TempDir Path dataDir) throws Exception {
        try (DatabaseModule database = start(dataDir)) {
            int port = database.embeddedPort().orElseThrow();
            for (String user : new String[]{"postgres", EmbeddedPostgresServer.APPLICATION_ROLE}) {
                assertThrows(SQLException.class, () -> DriverManager.getConnection(
                        "jdbc:postgresql://127.0.0.1:" + port + "/postgres", user, null).close(), user + " without a password");
                SQLException refused = assertThrows(SQLException.class, () -> DriverManager.getConnection(
                        "jdbc:postgresql://127.0.0.1:" + port + "/postgres", user, "guessed").close(), user + " with a wrong one");
                assertEquals("28P01", refused.getSQLState(), refused.getMessage());
            }
            try (Connection c = database.dataSource().getConnection(); Statement st = c.createStatement()) {
                c.setAutoCommit(true);
                try (ResultSet rs = st.executeQuery("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")) {
                    assertTrue(rs.next());
                    assertEquals(EmbeddedPostgresServer.APPLICATION_ROLE, rs.getString(1));
                    assertFalse(rs.getBoolean(2), "the application role is no superuser");
                }
                SQLException program = assertThrows(SQLException.class, () -> st.execute("COPY (SELECT 1) TO PROGRAM 'true'"));
                assertEquals("42501", program.getSQLState(), program.getMessage());
                SQLException file = assertThrows(SQLException.class, () -> st.executeQuery("SELECT pg_read_file('postgresql.conf')"));
                assertEquals("42501", file.getSQLState(), file.getMessage());
            }
            String superuserPassword = Files.readString(dataDir.resolve(EmbeddedPostgresServer.SUPERUSER_PASSWORD_FILE)).strip();
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres",
                    superuserPassword)) {
                assertTrue(c.isValid(2), "the superuser logs in with the password in the owner-only file");
            }
        }
    }

    @Test
    void aDataDirectoryTheOldCodeCreatedWithTrustIsUpgradedToPasswordsAndTheApplicationOwnsItsObjects(@TempDir Path dataDir)
            throws Exception {
        EmbeddedPostgres old = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir.resolve("postgres"))
                .setCleanDataDirectory(false)
                .setOverrideWorkingDirectory(dataDir.resolve("pg-binaries").toFile())
                .start();
        try (Connection c = old.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE pganalytics");
        }
        try (Connection c = old.getDatabase("postgres", "pganalytics").getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA legacy");
            st.execute("CREATE TABLE legacy.kept (id bigserial PRIMARY KEY, note text)");
            st.execute("INSERT INTO legacy.kept (note) VALUES ('written by the old server')");
        }
        int oldPort = old.getPort();
        old.close();

        try (DatabaseModule database = start(dataDir); Connection c = database.dataSource().getConnection();
             Statement st = c.createStatement()) {
            st.execute("INSERT INTO legacy.kept (note) VALUES ('written by the application role')");
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM legacy.kept")) {
                assertTrue(rs.next());
                assertEquals(2, rs.getInt(1), "the old data is kept and the application role may write it");
            }
            c.commit();
            int port = database.embeddedPort().orElseThrow();
            assertThrows(SQLException.class, () -> DriverManager.getConnection(
                    "jdbc:postgresql://127.0.0.1:" + port + "/pganalytics", "postgres", null).close(),
                    "trust is gone after the upgrade (port " + oldPort + " before)");
            SQLException refused = assertThrows(SQLException.class, () -> DriverManager.getConnection(
                    "jdbc:postgresql://127.0.0.1:" + port + "/pganalytics", "postgres", "guessed").close());
            assertEquals("28P01", refused.getSQLState(), refused.getMessage());
        }
    }

    @Test
    void aSecondServerOnTheSameDataDirectoryIsRefusedWithItsName(@TempDir Path dataDir) {
        try (DatabaseModule first = start(dataDir)) {
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> start(dataDir).close());
            assertTrue(refused.getMessage().contains(dataDir.toString()) && refused.getMessage().contains("in use"), refused.getMessage());
            assertTrue(first.isReachable(java.time.Duration.ofSeconds(2)), "the first one keeps running");
        }
    }

    @Test
    void aLiveProcessThatIsNotOurPostgresInPostmasterPidIsNamedInTheError(@TempDir Path dataDir) throws Exception {
        Process foreign = new ProcessBuilder("sleep", "120").start();
        try {
            Path pgData = Files.createDirectories(dataDir.resolve("postgres"));
            Files.writeString(pgData.resolve("postmaster.pid"), foreign.pid() + "\n" + pgData + "\n1700000000\n5432\n\n127.0.0.1\n");
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> start(dataDir).close());
            assertTrue(refused.getMessage().contains("postmaster.pid") && refused.getMessage().contains(String.valueOf(foreign.pid()))
                    && refused.getMessage().contains("sleep"), refused.getMessage());
            assertTrue(foreign.isAlive(), "a foreign process is never signalled");
        } finally {
            foreign.destroyForcibly();
            foreign.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aBinariesDirectoryOthersCouldWriteIsClosedAndOnlyAFreshUnpackIsRun(@TempDir Path dataDir) throws Exception {
        Path binaries = Files.createDirectories(dataDir.resolve("pg-binaries"));
        Path planted = Files.createDirectories(binaries.resolve("PG-planted").resolve("bin")).resolve("postgres");
        Files.writeString(planted, "#!/bin/sh\necho planted by another account\n");
        Files.setPosixFilePermissions(binaries, PosixFilePermissions.fromString("rwxrwxrwx"));
        try (DatabaseModule database = start(dataDir)) {
            assertTrue(database.isReachable(java.time.Duration.ofSeconds(2)));
            assertFalse(Files.exists(planted), "what the open directory held is gone");
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(binaries)));
        }
    }

    @Test
    void refusesToRunBinariesFromADirectoryOwnedByAnotherAccount(@TempDir Path dataDir) throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to give a directory to another account");
        Path binaries = Files.createDirectories(dataDir.resolve("pg-binaries"));
        Files.setOwner(binaries, binaries.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> start(dataDir).close());
        assertTrue(refused.getMessage().contains(binaries.toString()) && refused.getMessage().contains("nobody"), refused.getMessage());
        assertFalse(Files.exists(dataDir.resolve("postgres").resolve("PG_VERSION")), "nothing was run");
    }

    private static DatabaseModule start(Path dataDir) {
        return DatabaseModule.start(DatabaseConfig.from(Config.empty()), dataDir, Clock.systemUTC());
    }

    private static String show(Connection c, String setting) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW " + setting)) {
            assertTrue(rs.next());
            return rs.getString(1);
        }
    }
}
