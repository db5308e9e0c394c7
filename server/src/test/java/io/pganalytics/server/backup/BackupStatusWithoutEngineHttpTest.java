package io.pganalytics.server.backup;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server that cannot back up (backups disabled, or an external database with no pgBackRest configured) starts and
 * says so in {@code /backups/status} instead of failing; starting a backup is refused with a clear error.
 */
class BackupStatusWithoutEngineHttpTest {

    @Test
    void externalDatabaseWithoutPgBackRestStartsAndStatusNamesTheMissingEngine() {
        try (PgAnalyticsServer server = TestServers.start(SharedPostgres.newDatabase("backup_noengine"), TestServers.newClusterName(), Map.of())) {
            ApiClient api = new ApiClient(server);
            String admin = api.loginAdmin();
            ApiClient.Response status = api.get("/backups/status", admin);
            assertEquals(200, status.status(), status.body());
            JsonNode body = status.json();
            assertEquals("failing", body.get("health").asText(), status.body());
            assertTrue(body.get("problems").toString().contains("pgBackRest"), status.body());
            ApiClient.Response start = api.post("/backups", admin, "{}");
            assertEquals(409, start.status(), start.body());
            assertTrue(start.body().contains("pgBackRest"), start.body());
            assertEquals(200, api.get("/backups", admin).status());
            assertEquals("[]", api.get("/backups/windows", admin).body().replaceAll("\\s", ""));
        }
    }

    @Test
    void disabledBackupsStartAndStatusSaysTheyAreOff() {
        try (PgAnalyticsServer server = TestServers.start(SharedPostgres.newDatabase("backup_disabled"), TestServers.newClusterName(),
                Map.of("backup.enabled", "false"))) {
            ApiClient api = new ApiClient(server);
            ApiClient.Response status = api.get("/backups/status", api.loginAdmin());
            assertEquals(200, status.status(), status.body());
            assertTrue(status.json().get("problems").toString().contains("backup.enabled"), status.body());
            assertEquals("warning", status.json().get("health").asText());
            assertTrue(metrics(server).contains("pganalytics_backup_last_success_timestamp_seconds"), "gauge registered");
        }
    }

    static String metrics(PgAnalyticsServer server) {
        try {
            return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("http://127.0.0.1:" + server.adminPort() + "/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
