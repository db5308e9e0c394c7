package io.pganalytics.server.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.common.crypto.Envelope;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code encryption.settings}: ingest seals settings values before they reach the database (a primary_conninfo may hold
 * a password), the query API opens them, both forms stay readable when the option is turned off, and a sealed value
 * moved to another setting is refused naming the row.
 */
class SettingsSealedTest {

    @Test
    void withTheOptionOnSettingsValuesAreSealedAtIngestOpenedByTheQueryApiAndStayReadableWhenItIsTurnedOff() throws Exception {
        String url = SharedPostgres.newDatabase("settings_sealed");
        String marker = UUID.randomUUID().toString().replace("-", "");
        String conninfo = "host=primary.example user=replicator password=pw_" + marker;
        String command = "pgbackrest --stanza=main_" + marker + " archive-push %p";
        long instance;
        String collector;
        // re-wrapped one value per transaction: the re-wrap job's cursor must step through every snapshot of a setting
        try (PgAnalyticsServer server = TestServers.start(url, TestServers.newClusterName(),
                Map.of("encryption.settings", "true", "encryption.rewrap-batch", "1"));
             Connection connection = DriverManager.getConnection(url, "postgres", null)) {
            ApiClient api = new ApiClient(server);
            String admin = api.loginAdmin();
            collector = SealedIngest.register(api, admin);
            SealedIngest.ingest(api, collector, settings(Instant.now().minus(3, ChronoUnit.HOURS), "[\"primary_conninfo\",\"" + conninfo + "\",null,\"configuration file\",false]"));
            SealedIngest.ingest(api, collector, settings(Instant.now().minus(2, ChronoUnit.HOURS),
                    "[\"primary_conninfo\",\"" + conninfo + "\",null,\"configuration file\",false],"
                            + "[\"archive_command\",\"" + command + "\",null,\"configuration file\",false],"
                            + "[\"work_mem\",\"4096\",\"kB\",\"default\",false],[\"unset_one\",null,null,\"default\",false]"));
            instance = Long.parseLong(SealedIngest.string(connection, "SELECT DISTINCT instance_id FROM ts.settings"));

            // raw: no value in the clear in the table, nor anywhere in the database's files
            assertNull(SealedIngest.string(connection, "SELECT setting FROM ts.settings WHERE name = 'primary_conninfo'"), "no clear value");
            assertNull(SealedIngest.string(connection, "SELECT setting_sealed FROM ts.settings WHERE name = 'unset_one'"), "a setting without a value stays NULL");
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT setting_sealed, t::text FROM ts.settings t WHERE name <> 'unset_one'")) {
                while (rows.next()) {
                    assertTrue(Envelope.isSealed(rows.getBytes(1)), "sealed");
                    assertFalse(rows.getString(2).contains(marker), "a row holds a settings value in the clear");
                }
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute("CHECKPOINT");
            }
            SealedIngest.assertNotInFiles(Path.of(SealedIngest.string(connection, "SHOW data_directory")), marker.getBytes(StandardCharsets.UTF_8), "a settings value");

            // the query API opens them
            String viewer = api.loginNewViewer("settings-viewer");
            Map<String, String> shown = settingsOf(SealedIngest.ok(api, viewer, "/instances/" + instance));
            assertEquals(conninfo, shown.get("primary_conninfo"));
            assertEquals(command, shown.get("archive_command"));
            assertEquals("4096", shown.get("work_mem"));
            assertNull(shown.get("unset_one"));

            // a rotation re-seals every value, the older snapshots' included, and they still open
            ApiClient.Response rotated = api.post("/admin/keys/rotate", admin, "{}");
            assertEquals(200, rotated.status(), rotated.body());
            int newKey = rotated.json().get("dataKey").asInt();
            assertEquals(202, api.post("/admin/keys/rewrap", admin, "").status());
            io.pganalytics.server.testing.Eventually.await(java.time.Duration.ofSeconds(60), "the re-wrap is done",
                    () -> "done".equals(api.get("/admin/keys", admin).json().get("rewrap").get("state").asText()));
            assertEquals("0", SealedIngest.string(connection, "SELECT count(*) FROM ts.settings WHERE setting_sealed IS NOT NULL"
                    + " AND crypto_key_id(setting_sealed) <> " + newKey));
            assertEquals("4", SealedIngest.string(connection, "SELECT count(*) FROM ts.settings WHERE crypto_key_id(setting_sealed) = " + newKey));
            assertEquals(conninfo, settingsOf(SealedIngest.ok(api, viewer, "/instances/" + instance)).get("primary_conninfo"));
        }
        // the option turned off: new values are stored as they are, the sealed ones still open
        try (PgAnalyticsServer server = TestServers.start(url, TestServers.newClusterName(), Map.of());
             Connection connection = DriverManager.getConnection(url, "postgres", null)) {
            ApiClient api = new ApiClient(server);
            SealedIngest.ingest(api, collector, settings(Instant.now().minus(1, ChronoUnit.HOURS), "[\"work_mem\",\"8192\",\"kB\",\"configuration file\",false]"));
            assertEquals("8192", SealedIngest.string(connection, "SELECT setting FROM ts.settings WHERE name = 'work_mem' AND setting_sealed IS NULL"));
            String viewer = api.loginNewViewer("settings-viewer-2");
            assertEquals("8192", settingsOf(SealedIngest.ok(api, viewer, "/instances/" + instance)).get("work_mem"));

            // a sealed value moved to another setting is refused, naming the row (a newer snapshot first: it is the one shown,
            // and its ingest clears the instance's cached answer)
            SealedIngest.ingest(api, collector, settings(Instant.now().minus(30, ChronoUnit.MINUTES), "[\"work_mem\",\"16384\",\"kB\",\"configuration file\",false]"));
            try (Statement statement = connection.createStatement()) {
                statement.executeUpdate("UPDATE ts.settings SET setting = NULL, setting_sealed = (SELECT setting_sealed FROM ts.settings"
                        + " WHERE name = 'primary_conninfo' LIMIT 1) WHERE name = 'work_mem' AND setting = '16384'");
            }
            ApiClient.Response moved = api.get("/instances/" + instance, viewer);
            assertEquals(500, moved.status(), moved.body());
            assertTrue(moved.body().contains("ts.settings.setting_sealed of row " + instance + ":work_mem@"), moved.body());
            assertFalse(moved.body().contains(marker), "no value in the answer");
        }
    }

    private static String settings(Instant at, String rows) {
        return BatchDecoderTest.snapshot("settings", at.truncatedTo(ChronoUnit.SECONDS).toString(), "null",
                "[\"name\",\"setting\",\"unit\",\"source\",\"pending_restart\"]", "[" + rows + "]");
    }

    private static Map<String, String> settingsOf(JsonNode instance) {
        Map<String, String> values = new HashMap<>();
        instance.get("settings").forEach(s -> values.put(s.get("name").asText(), s.get("setting").isNull() ? null : s.get("setting").asText()));
        return values;
    }






}
