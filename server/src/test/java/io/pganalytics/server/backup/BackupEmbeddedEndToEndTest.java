package io.pganalytics.server.backup;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.config.Config;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.config.ConfigLoader;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.Eventually;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Back up now on the embedded default, end to end over real HTTP with the embedded engine: concurrent requests start
 * one backup, its progress shows in the runs, the catalogue and the status hold it after.
 */
class BackupEmbeddedEndToEndTest {

    @Test
    void backUpNowOnTheEmbeddedDefaultStartsOneBackupShowsProgressAndCataloguesIt() throws Exception {
        Config config = ConfigLoader.load(null, Map.of(), Map.of(
                "server.data-dir", TestServers.tempDir().toString(),
                "http.host", "127.0.0.1",
                "http.port", "0",
                "http.admin-port", "0",
                "cluster.name", TestServers.newClusterName(),
                "cluster.port", Integer.toString(TestServers.freePort())));
        try (PgAnalyticsServer server = PgAnalyticsServer.start(config, Map.of("PGANALYTICS_ADMIN_PASSWORD", TestServers.ADMIN_PASSWORD),
                Clock.systemUTC())) {
            ApiClient api = new ApiClient(server);
            String admin = api.loginAdmin();
            List<JsonNode> answers = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(5);
            try {
                List<Callable<ApiClient.Response>> calls = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    calls.add(() -> api.post("/backups", admin, "{\"kind\":\"full\"}"));
                }
                for (Future<ApiClient.Response> answer : pool.invokeAll(calls)) {
                    assertEquals(202, answer.get().status(), answer.get().body());
                    answers.add(answer.get().json());
                }
            } finally {
                pool.shutdown();
            }
            assertEquals(1, answers.stream().filter(a -> a.get("started").asBoolean()).count(), answers.toString());
            Set<String> ids = new HashSet<>();
            answers.forEach(a -> ids.add(a.at("/operation/id").asText()));
            assertEquals(1, ids.size(), ids.toString());
            String id = ids.iterator().next();

            List<String> phases = new ArrayList<>();
            Eventually.await(Duration.ofMinutes(3), "the backup ends", () -> {
                JsonNode run = api.get("/backups/operations/" + id, admin).json();
                phases.add(run.get("phase").asText() + " " + run.get("doneBytes").asLong());
                return !"running".equals(run.get("state").asText());
            });
            JsonNode run = api.get("/backups/operations/" + id, admin).json();
            assertEquals("succeeded", run.get("state").asText(), run.toString());
            assertTrue(run.get("doneBytes").asLong() > 1_000_000, "the run's progress counted the bytes: " + run);
            assertTrue(phases.size() > 1 && !phases.getFirst().equals(phases.getLast()), "progress moved while it ran: " + phases);

            String backupId = run.get("backupId").asText();
            JsonNode backup = api.get("/backups/" + backupId, admin).json();
            assertEquals("complete", backup.get("state").asText(), backup.toString());
            assertEquals("embedded", backup.get("engine").asText());
            assertTrue(backup.get("keyVersion").asText().startsWith("kek"), backup.toString());
            Eventually.await(Duration.ofSeconds(60), "the expiry after the backup ended", () -> server.backup().service().operations().running().isEmpty());

            JsonNode status = api.get("/backups/status", admin).json();
            assertEquals("embedded", status.get("engine").asText());
            assertEquals(backupId, status.at("/lastComplete/id").asText(), status.toString());
            assertTrue(status.at("/archiving/enabled").asBoolean(), status.toString());
            String problems = status.get("problems").toString();
            assertFalse(problems.contains("no complete backup") || problems.contains("backup failed") || problems.contains("missed")
                    || problems.contains("archiving"), problems);
            assertTrue(problems.contains("is on the database's own filesystem: a lost disk loses both"), problems);
            assertEquals(200, api.get("/backups/settings", admin).status());

            // the verification that follows the backup restores it into a scratch PostgreSQL, starts and checks it
            Eventually.await(Duration.ofMinutes(3), "the backup is verified", () -> {
                String state = api.get("/backups/" + backupId, admin).json().at("/verification/state").asText();
                return "passed".equals(state) || "failed".equals(state);
            });
            JsonNode verification = api.get("/backups/" + backupId, admin).json().get("verification");
            assertEquals("passed", verification.get("state").asText(), verification.toString());
            List<String> checks = new ArrayList<>();
            verification.get("checks").forEach(check -> checks.add(check.get("name").asText()));
            assertTrue(checks.containsAll(List.of("restore", "recovery", "metadata", "newest-sample", "row-counts", "amcheck")), checks.toString());
            Eventually.await(Duration.ofSeconds(60), "the verification run ended", () -> server.backup().service().operations().running().isEmpty());
            JsonNode verified = api.get("/backups/status", admin).json();
            assertEquals("warning", verified.get("health").asText(), "only the repository's place is to fix: " + verified);
            assertFalse(verified.get("windows").isEmpty(), verified.toString());

            // a point-in-time restore: the dry run plans it and writes nothing, the confirmed restore writes a new directory
            java.nio.file.Path target = TestServers.tempDir().resolve("restored");
            String latest = "{\"to\":\"latest\",\"target\":\"" + target + "\",\"dryRun\":true}";
            ApiClient.Response plan = api.post("/backups/restore", admin, latest);
            assertEquals(200, plan.status(), plan.body());
            assertEquals(backupId, plan.json().get("backupId").asText(), plan.body());
            assertFalse(java.nio.file.Files.exists(target), "a dry run writes nothing");
            ApiClient.Response outside = api.post("/backups/restore", admin,
                    "{\"to\":\"2000-01-01T00:00:00Z\",\"target\":\"" + target + "\",\"dryRun\":true}");
            assertEquals(422, outside.status(), outside.body());
            assertTrue(outside.body().contains("nearest restorable times"), outside.body());
            ApiClient.Response restore = api.post("/backups/restore", admin, latest.replace("true", "false"));
            assertEquals(202, restore.status(), restore.body());
            String restoreRun = restore.json().at("/operation/id").asText();
            Eventually.await(Duration.ofMinutes(3), "the restore ends",
                    () -> !"running".equals(api.get("/backups/operations/" + restoreRun, admin).json().get("state").asText()));
            assertEquals("succeeded", api.get("/backups/operations/" + restoreRun, admin).json().get("state").asText());
            assertTrue(java.nio.file.Files.isRegularFile(target.resolve("PG_VERSION")) && java.nio.file.Files.isRegularFile(target.resolve("recovery.signal")),
                    "the restored directory is a data directory set to recover");
        }
    }
}
