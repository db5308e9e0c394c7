package io.pganalytics.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.config.Config;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.server.config.ConfigLoader;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Quick start path: no database configured, so the server runs its own PostgreSQL in the data directory. */
class EmbeddedServerTest {

    @Test
    void runsOnEmbeddedPostgresOverHttpsAndKeepsUsersAndMigrationsAcrossRestarts(@TempDir Path dataDir) throws Exception {
        String cluster = TestServers.newClusterName();
        String adminPassword;
        long migrationsAfterFirstStart;
        try (PgAnalyticsServer server = start(dataDir, cluster)) {
            assertTrue(server.tlsEnabled(), "HTTPS by default");
            assertTrue(Files.isDirectory(dataDir.resolve("postgres")), "the embedded database lives in the data directory");
            Path passwordFile = dataDir.resolve("initial-admin-password");
            assertTrue(Files.isRegularFile(passwordFile), "the bootstrap password is written to a file");
            assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE), Files.getPosixFilePermissions(passwordFile));
            adminPassword = Files.readString(passwordFile).strip();

            ApiClient api = new ApiClient(server);
            String admin = api.login("admin", adminPassword);
            assertEquals("admin", api.get("/auth/me", admin).json().get("username").asText());
            ApiClient.Response created = api.post("/users", admin,
                    "{\"username\":\"dora\",\"displayName\":\"Dora the DBA\",\"password\":\"correct horse battery staple\",\"roles\":[\"viewer\"]}");
            assertEquals(201, created.status(), created.body());
            migrationsAfterFirstStart = migrationCount(server);
        }
        assertFalse(Files.exists(dataDir.resolve("runtime.json")), "the runtime file is deleted when the server stops");
        try (PgAnalyticsServer server = start(dataDir, cluster)) {
            ApiClient api = new ApiClient(server);
            String dora = api.login("dora", "correct horse battery staple");
            assertEquals("dora", api.get("/auth/me", dora).json().get("username").asText(), "users survive a restart");
            api.login("admin", adminPassword);
            assertEquals(adminPassword, Files.readString(dataDir.resolve("initial-admin-password")).strip(),
                    "the bootstrap admin is created once");
            assertEquals(migrationsAfterFirstStart, migrationCount(server), "a second start applies no migration");
        }
    }

    @Test
    void writesItsRuntimeFileOwnerOnlyWithTheEmbeddedDatabasePortThatWantsThePasswordOfItsOwnerOnlyFile(@TempDir Path dataDir) throws Exception {
        Path file = dataDir.resolve("runtime.json");
        try (PgAnalyticsServer server = start(dataDir, TestServers.newClusterName())) {
            assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE), Files.getPosixFilePermissions(file));
            JsonNode runtime = JsonMapping.newMapper().readTree(file.toFile());
            assertEquals("https://127.0.0.1:" + server.port() + "/api/v1", runtime.get("apiUrl").asText());
            assertEquals("http://127.0.0.1:" + server.adminPort(), runtime.get("adminUrl").asText());
            assertEquals(ProcessHandle.current().pid(), runtime.get("pid").asLong());
            assertEquals(server.tls().orElseThrow().fingerprint(), runtime.get("certificateSha256").asText());
            int port = runtime.get("embeddedPostgresPort").asInt();
            Path passwordFile = dataDir.resolve("postgres-superuser-password");
            assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE), Files.getPosixFilePermissions(passwordFile));
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres",
                    Files.readString(passwordFile).strip());
                 Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")) {
                assertTrue(rs.next() && rs.getBoolean(1), "the superuser logs in with the password of the owner-only file");
            }
            assertThrows(java.sql.SQLException.class, () -> DriverManager.getConnection(
                    "jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "").close(), "and only with it");
        }
        assertFalse(Files.exists(file), "deleted at stop");
    }

    private static PgAnalyticsServer start(Path dataDir, String cluster) {
        Config config = ConfigLoader.load(null, Map.of(), Map.of(
                "server.data-dir", dataDir.toString(),
                "http.host", "127.0.0.1",
                "http.port", "0",
                "http.admin-port", "0",
                "cluster.name", cluster,
                "cluster.port", Integer.toString(TestServers.freePort())));
        return PgAnalyticsServer.start(config, Map.of(), Clock.systemUTC());
    }

    private static long migrationCount(PgAnalyticsServer server) throws Exception {
        try (Connection c = server.database().dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT (SELECT count(*) FROM pga_migration) + (SELECT count(*) FROM pga_migration_timeseries)")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
