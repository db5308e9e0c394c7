package io.pganalytics.server.crypto;

import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.config.ConfigException;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The documented way back when the key-encryption key is lost for good (docs/ENCRYPTION.md, "Recovery"): the shipped
 * script forgets what was sealed, and the server starts on a new key store with users, collectors and metrics kept.
 */
class StartingAgainWithoutTheOldKeysTest {
    @Test
    void theShippedScriptLetsTheServerStartOnANewKeyStoreKeepingTheUsers() throws Exception {
        String url = SharedPostgres.newDatabase("keys_lost");
        Path dataDir = TestServers.tempDir();
        Map<String, String> settings = Map.of("server.data-dir", dataDir.toString());
        try (PgAnalyticsServer server = TestServers.start(url, TestServers.newClusterName(), settings)) {
            new ApiClient(server).loginNewViewer("vera");
        }
        deleteTree(dataDir.resolve("keys")); // the key store and its passphrase are lost

        ConfigException refused = assertThrows(ConfigException.class, () -> TestServers.start(url, TestServers.newClusterName(), settings));
        assertTrue(refused.getMessage().contains("does not unwrap"), refused.getMessage());

        String script;
        try (InputStream in = CryptoFeature.class.getResourceAsStream("forget-sealed-data.sql")) {
            assertNotNull(in, "the script ships in the server jar");
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try (Connection connection = DriverManager.getConnection(url, "postgres", null); Statement statement = connection.createStatement()) {
            statement.execute(script);
        }
        Files.deleteIfExists(dataDir.resolve("tls").resolve("server.key.sealed"));
        Files.deleteIfExists(dataDir.resolve("tls").resolve("server.crt"));

        try (PgAnalyticsServer server = TestServers.start(url, TestServers.newClusterName(), settings)) {
            ApiClient api = new ApiClient(server);
            assertNotNull(api.loginAdmin(), "the admin signs in again");
            try (Connection connection = DriverManager.getConnection(url, "postgres", null); Statement statement = connection.createStatement();
                 ResultSet users = statement.executeQuery("SELECT count(*) FROM auth_user WHERE username = 'vera'")) {
                users.next();
                assertEquals(1, users.getInt(1), "the users are kept");
            }
        }
    }

    private static void deleteTree(Path root) throws Exception {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
