package io.pganalytics.server.backup;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.Eventually;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
 * {@code /api/v1/backups} over real HTTP on a real server, driven by an engine of the tests' own that writes real
 * objects into a {@link FileStore}: back up now (concurrent requests start one backup), progress, the catalogue, the
 * status's health, verification, the schedule and retention settings, restore (dry run, confirmation, bad bodies,
 * times outside the windows) and the roles.
 */
class BackupApiHttpTest {
    private static PgAnalyticsServer server;
    private static FileStoreTestEngine engine;
    private static ApiClient api;
    private static String admin;
    private static String operator;

    @BeforeAll
    static void start() {
        server = TestServers.start(SharedPostgres.newDatabase("backup_api"), TestServers.newClusterName(), Map.of());
        engine = new FileStoreTestEngine(TestServers.tempDir().resolve("repository"), server.backup().catalog(), Clock.systemUTC());
        server.backup().useEngine(engine);
        api = new ApiClient(server);
        admin = api.loginAdmin();
        ApiClient.Response created = api.post("/users", admin, "{\"username\":\"backup-operator\",\"password\":\"" + TestServers.ADMIN_PASSWORD
                + "\",\"roles\":[\"operator\"]}");
        assertEquals(201, created.status(), created.body());
        operator = api.login("backup-operator", TestServers.ADMIN_PASSWORD);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void concurrentBackUpNowRequestsStartOneBackupWhoseProgressIsVisibleAndStatusIsHealthyAfter() throws Exception {
        int before = engine.backupsTaken.get();
        engine.hold();
        List<JsonNode> answers = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Callable<ApiClient.Response>> calls = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                calls.add(() -> api.post("/backups", operator, "{\"kind\":\"full\"}"));
            }
            for (Future<ApiClient.Response> answer : pool.invokeAll(calls)) {
                ApiClient.Response response = answer.get();
                assertEquals(202, response.status(), response.body());
                answers.add(response.json());
            }
        } finally {
            pool.shutdown();
        }
        Set<String> operations = new HashSet<>();
        int started = 0;
        for (JsonNode answer : answers) {
            operations.add(answer.at("/operation/id").asText());
            started += answer.get("started").asBoolean() ? 1 : 0;
        }
        assertEquals(1, started, "exactly one request starts a backup: " + answers);
        assertEquals(1, operations.size(), "every request gets the one run: " + operations);
        String id = operations.iterator().next();

        assertTrue(engine.awaitHeld(Duration.ofSeconds(30)), "the backup reached half-way");
        Eventually.await(Duration.ofSeconds(20), "the run's progress is visible", () -> {
            JsonNode run = api.get("/backups/operations/" + id, operator).json();
            return run.get("doneBytes").asLong() > 0 && "copying files".equals(run.get("phase").asText());
        });
        JsonNode running = api.get("/backups/status", operator).json();
        assertEquals(1, running.get("running").size(), running.toString());
        ApiClient.Response again = api.post("/backups", admin, "");
        assertFalse(again.json().get("started").asBoolean(), "a body-less request while one runs starts nothing");
        engine.release();

        Eventually.await(Duration.ofSeconds(30), "the backup succeeds",
                () -> "succeeded".equals(api.get("/backups/operations/" + id, operator).json().get("state").asText()));
        assertEquals(before + 1, engine.backupsTaken.get(), "one backup was taken");
        JsonNode run = api.get("/backups/operations/" + id, operator).json();
        String backupId = run.get("backupId").asText();
        assertEquals(run.get("totalBytes").asLong(), run.get("doneBytes").asLong());
        JsonNode backup = api.get("/backups/" + backupId, operator).json();
        assertEquals("complete", backup.get("state").asText(), backup.toString());
        assertTrue(Files.exists(engine.store.root().resolve("backups/" + backupId + "/base.tar.pgab")));

        // expiry and the verification follow the backup
        Eventually.await(Duration.ofSeconds(30), "the backup is verified after it completed",
                () -> "passed".equals(api.get("/backups/" + backupId, operator).json().at("/verification/state").asText()));
        Eventually.await(Duration.ofSeconds(30), "no run is left", () -> api.get("/backups/status", operator).json().get("running").isEmpty());
        JsonNode status = api.get("/backups/status", operator).json();
        assertEquals("ok", status.get("health").asText(), status.toString());
        assertEquals(backupId, status.at("/lastComplete/id").asText());
        assertFalse(status.get("windows").isEmpty());
        assertTrue(Instant.parse(status.get("nextFullAt").asText()).isAfter(Instant.now()));
        List<String> kinds = new ArrayList<>();
        api.get("/backups/operations?limit=10", operator).json().forEach(op -> kinds.add(op.get("kind").asText()));
        assertTrue(kinds.containsAll(List.of("backup", "expire", "verify")), kinds.toString());
        double lastSuccess = BackupStatusWithoutEngineHttpTest.metrics(server).lines()
                .filter(line -> line.startsWith("pganalytics_backup_last_success_timestamp_seconds "))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.indexOf(' ') + 1))).findFirst().orElse(0);
        assertTrue(lastSuccess > Instant.parse("2026-01-01T00:00:00Z").getEpochSecond(), "the last success is on /metrics: " + lastSuccess);
    }

    @Test
    void settingsRoundTripAndLoweringRetentionWaitsForConfirmationWhileBadBodiesChangeNothing() {
        ApiClient strict = api.withoutConfirming();
        JsonNode defaults = api.get("/backups/settings", operator).json();
        assertEquals("1d", defaults.get("fullEvery").asText());
        assertEquals("01:00", defaults.get("fullAt").asText());
        assertEquals("off", defaults.get("differentialEvery").asText());
        assertEquals(7, defaults.get("retainFull").asInt());

        ApiClient.Response raised = strict.put("/backups/settings", admin, "{\"retainFull\":10,\"fullAt\":\"02:30\",\"chainVerifyEvery\":\"P3D\"}");
        assertEquals(200, raised.status(), raised.body());
        JsonNode now = api.get("/backups/settings", operator).json();
        assertEquals(10, now.get("retainFull").asInt());
        assertEquals("02:30", now.get("fullAt").asText());
        assertEquals("3d", now.get("chainVerifyEvery").asText());

        ApiClient.Response lowered = strict.put("/backups/settings", admin, "{\"retainFull\":3}");
        assertEquals(428, lowered.status(), lowered.body());
        assertTrue(lowered.body().contains("newest 3 (now 10)"), lowered.body());
        assertEquals(10, api.get("/backups/settings", operator).json().get("retainFull").asInt(), "nothing changed before the confirmation");

        for (String bad : List.of("{\"fullEvery\":\"banana\"}", "{\"retainFull\":0}", "{\"fullEvery\":\"1m\"}", "{\"fullAt\":\"25:00\"}",
                "{\"differentialEvery\":\"6h\"}", "{}", "{\"retainFor\":\"1d\",\"surprise\":1}", "[1,2]")) {
            ApiClient.Response response = strict.put("/backups/settings", admin, bad);
            assertEquals(400, response.status(), bad + " -> " + response.body());
        }
        assertTrue(strict.put("/backups/settings", admin, "{\"retainFull\":0}").body().contains("retainFull"));
        assertEquals(now, api.get("/backups/settings", operator).json(), "bad bodies changed nothing");
        assertEquals(403, strict.put("/backups/settings", operator, "{\"retainFull\":12}").status());

        ApiClient.Response confirmed = api.put("/backups/settings", admin, "{\"retainFull\":3}");
        assertEquals(200, confirmed.status(), confirmed.body());
        assertEquals(3, api.get("/backups/settings", operator).json().get("retainFull").asInt());
        assertEquals(3, api.get("/backups/status", operator).json().at("/settings/retainFull").asInt());
        ApiClient.Response reset = api.put("/backups/settings", admin, "{\"retainFull\":7,\"fullAt\":\"01:00\",\"chainVerifyEvery\":\"7d\"}");
        assertEquals(200, reset.status(), reset.body());
    }

    @Test
    void restoreIsPlannedByOperatorsConfirmedByAdminsAndRefusedOutsideTheWindowsNamingTheNearestTimes() throws Exception {
        ensureOneBackup();
        Path target = TestServers.tempDir().resolve("restored");
        String body = "{\"to\":\"latest\",\"target\":\"" + target + "\",\"dryRun\":true}";
        ApiClient.Response dryRun = api.post("/backups/restore", operator, body);
        assertEquals(200, dryRun.status(), dryRun.body());
        assertTrue(dryRun.json().get("latest").asBoolean());
        assertFalse(Files.exists(target), "a dry run writes nothing");

        ApiClient.Response outside = api.post("/backups/restore", operator, "{\"to\":\"1999-01-01T00:00:00Z\",\"target\":\"" + target + "\",\"dryRun\":true}");
        assertEquals(422, outside.status(), outside.body());
        assertEquals("validation_failed", outside.json().get("errorType").asText());
        String earliest = api.get("/backups/windows", operator).json().get(0).get("from").asText();
        assertTrue(outside.body().contains(Instant.parse(earliest).toString()), "names the nearest time " + earliest + ": " + outside.body());

        for (String bad : List.of("{\"to\":\"yesterday\",\"target\":\"" + target + "\",\"dryRun\":true}",
                "{\"to\":\"latest\",\"target\":\"relative/dir\",\"dryRun\":true}",
                "{\"to\":\"latest\",\"dryRun\":true}",
                "{\"to\":\"latest\",\"target\":\"" + server.dataDir().resolve("postgres") + "\",\"dryRun\":true}",
                "{\"to\":\"latest\",\"target\":\"" + target + "\",\"dryRun\":\"maybe\"}")) {
            ApiClient.Response response = api.post("/backups/restore", operator, bad);
            assertEquals(400, response.status(), bad + " -> " + response.body());
        }

        String real = "{\"to\":\"latest\",\"target\":\"" + target + "\",\"dryRun\":false}";
        assertEquals(403, api.post("/backups/restore", operator, real).status(), "a real restore is admins'");
        ApiClient.Response unconfirmed = api.withoutConfirming().post("/backups/restore", admin, real);
        assertEquals(428, unconfirmed.status(), unconfirmed.body());
        assertFalse(Files.exists(target), "nothing restored before the confirmation");

        ApiClient.Response restore = api.post("/backups/restore", admin, real);
        assertEquals(202, restore.status(), restore.body());
        String id = restore.json().at("/operation/id").asText();
        Eventually.await(Duration.ofSeconds(30), "the restore succeeds",
                () -> "succeeded".equals(api.get("/backups/operations/" + id, operator).json().get("state").asText()));
        assertTrue(Files.exists(target.resolve("PG_VERSION")));
    }

    @Test
    void verifyStartsOneRunAndUnknownBackupsAndRunsAreNotFound() {
        ensureOneBackup();
        String backupId = api.get("/backups?limit=1", operator).json().get(0).get("id").asText();
        ApiClient.Response verify = api.post("/backups/" + backupId + "/verify", operator, "");
        assertEquals(202, verify.status(), verify.body());
        String id = verify.json().at("/operation/id").asText();
        Eventually.await(Duration.ofSeconds(30), "the verification ends",
                () -> !"running".equals(api.get("/backups/operations/" + id, operator).json().get("state").asText()));
        assertEquals("succeeded", api.get("/backups/operations/" + id, operator).json().get("state").asText());
        ApiClient.Response chain = api.post("/backups/verify-chain", operator, "");
        assertEquals(202, chain.status(), chain.body());
        Eventually.await(Duration.ofSeconds(30), "the chain verification ends", () -> !"running".equals(
                api.get("/backups/operations/" + chain.json().at("/operation/id").asText(), operator).json().get("state").asText()));

        assertEquals(404, api.get("/backups/20000101T000000Z", operator).status());
        assertEquals(404, api.post("/backups/20000101T000000Z/verify", operator, "").status());
        assertEquals(404, api.get("/backups/operations/not-a-uuid", operator).status());
        assertEquals(404, api.get("/backups/operations/" + java.util.UUID.randomUUID(), operator).status());
        assertEquals(400, api.get("/backups?limit=5000", operator).status());
        assertEquals(400, api.post("/backups", operator, "{\"kind\":\"differential\"}").status(), "the embedded engine takes full backups only");
        assertEquals(400, api.post("/backups", operator, "{\"kind\":\"weekly\"}").status());
        String viewer = api.loginNewViewer("backup-viewer");
        assertEquals(403, api.get("/backups", viewer).status());
        assertEquals(403, api.post("/backups", viewer, "{}").status());
        assertEquals(401, api.get("/backups/status", null).status());
    }

    private static void ensureOneBackup() {
        if (server.backup().catalog().complete().isEmpty()) {
            ApiClient.Response start = api.post("/backups", admin, "{}");
            String id = start.json().at("/operation/id").asText();
            Eventually.await(Duration.ofSeconds(30), "a backup exists",
                    () -> "succeeded".equals(api.get("/backups/operations/" + id, admin).json().get("state").asText()));
        }
        Eventually.await(Duration.ofSeconds(30), "no run is left", () -> server.backup().service().operations().running().isEmpty());
    }
}
