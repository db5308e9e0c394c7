package io.pganalytics.server.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.Eventually;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rotation, the re-wrap job and the retire rules through {@code /admin/keys} on real nodes. */
class KeyRotationHttpTest {

    @Test
    void aRotationOnOneNodeIsTheCurrentKeyOnTheOtherAtOnce() {
        TestServers.TwoNodes nodes = TestServers.startTwo(SharedPostgres.newDatabase("rotate_two"), Map.of(), Map.of());
        try {
            ApiClient api = new ApiClient(nodes.a());
            int before = nodes.b().crypto().keys().currentKeyId();
            ApiClient.Response rotated = api.post("/admin/keys/rotate", api.loginAdmin(), "{}");
            assertEquals(200, rotated.status(), rotated.body());
            int dataKey = rotated.json().get("dataKey").asInt();
            assertNotEquals(before, dataKey);
            assertEquals(dataKey, nodes.a().crypto().keys().currentKeyId(), "the rotating node seals with the new key when it answers");
            // the topic's delivery only: the once-a-minute reread would take up to a minute
            Eventually.await(Duration.ofSeconds(5), "node B seals with data key " + dataKey,
                    () -> nodes.b().crypto().keys().currentKeyId() == dataKey);
        } finally {
            nodes.a().close();
            nodes.b().close();
        }
    }

    @Test
    void retireIsRefusedWhileAKeyIsCurrentOrUsedAndAllowedOnceTheRewrapMovedItsValues() throws Exception {
        try (PgAnalyticsServer server = TestServers.start(SharedPostgres.newDatabase("rotate_retire"), TestServers.newClusterName(), Map.of())) {
            DataSource db = server.database().dataSource();
            SealedTestTable table = new SealedTestTable("retire_secret").create(db).registerOn(server);
            table.write(db, server.crypto().sealer(), 0, 120, 1);
            ApiClient api = new ApiClient(server);
            String admin = api.loginAdmin();
            int oldKey = server.crypto().keys().currentKeyId();
            int oldKek = server.crypto().keys().currentKekVersion();

            ApiClient.Response current = api.post("/admin/keys/data-keys/" + oldKey + "/retire", admin, "");
            assertEquals(409, current.status(), current.body());
            assertTrue(current.json().get("message").asText().contains("is current"), current.body());

            ApiClient.Response rotated = api.post("/admin/keys/rotate", admin, "{\"newKekVersion\":true}");
            assertEquals(200, rotated.status(), rotated.body());
            int newKey = rotated.json().get("dataKey").asInt();
            assertTrue(rotated.json().get("kekVersionCreated").asBoolean(), rotated.body());
            assertNotEquals(oldKek, rotated.json().get("kekVersion").asInt());

            ApiClient.Response kekInUse = api.post("/admin/keys/kek-versions/" + oldKek + "/retire", admin, "");
            assertEquals(409, kekInUse.status(), kekInUse.body());
            assertTrue(kekInUse.json().get("message").asText().contains("still wraps data keys [" + oldKey + "]"), kekInUse.body());
            ApiClient.Response newestKek = api.post("/admin/keys/kek-versions/" + rotated.json().get("kekVersion").asInt() + "/retire", admin, "");
            assertEquals(409, newestKek.status(), newestKek.body());

            assertEquals(202, api.post("/admin/keys/rewrap", admin, "").status());
            Eventually.await(Duration.ofSeconds(60), "the re-wrap is done",
                    () -> "done".equals(api.get("/admin/keys", admin).json().get("rewrap").get("state").asText()));
            assertEquals(Map.of(newKey, 120L), table.keys(db));
            assertEquals(0, table.unreadable(db, server.crypto().sealer()));
            JsonNode status = api.get("/admin/keys", admin).json();
            JsonNode item = status.get("protectedItems").get(0);
            assertEquals(120, item.get("records").asLong());
            assertEquals(0, item.get("onOlderKeys").asLong());

            ApiClient.Response retired = api.post("/admin/keys/data-keys/" + oldKey + "/retire", admin, "");
            assertEquals(204, retired.status(), retired.body());
            ApiClient.Response kekRetired = api.post("/admin/keys/kek-versions/" + oldKek + "/retire", admin, "");
            assertEquals(204, kekRetired.status(), kekRetired.body());
            status = api.get("/admin/keys", admin).json();
            assertEquals("retired", dataKey(status, oldKey).get("state").asText());
            for (JsonNode version : status.get("kekVersions")) {
                assertNotEquals(oldKek, version.get("version").asInt(), "the destroyed version is gone: " + status);
            }
            assertEquals(0, table.unreadable(db, server.crypto().sealer()), "nothing needed the retired keys");
        }
    }

    @Test
    void retireIsRefusedWhileTheOldKeyStillSealsValues() throws Exception {
        // a re-wrap limited to 1 value a second cannot move 50 values before the refusal is checked
        try (PgAnalyticsServer server = TestServers.start(SharedPostgres.newDatabase("rotate_used"), TestServers.newClusterName(),
                Map.of("encryption.rewrap-rate", "1", "encryption.rewrap-batch", "1"))) {
            DataSource db = server.database().dataSource();
            SealedTestTable table = new SealedTestTable("used_secret").create(db).registerOn(server);
            table.write(db, server.crypto().sealer(), 0, 50, 1);
            ApiClient api = new ApiClient(server);
            String admin = api.loginAdmin();
            int oldKey = server.crypto().keys().currentKeyId();
            assertEquals(200, api.post("/admin/keys/rotate", admin, "{\"newKekVersion\":false}").status());
            ApiClient.Response used = api.post("/admin/keys/data-keys/" + oldKey + "/retire", admin, "");
            assertEquals(409, used.status(), used.body());
            assertTrue(used.json().get("message").asText().contains("used_secret.secret: "), used.body());
            assertTrue(table.keys(db).getOrDefault(oldKey, 0L) > 0, "nothing was erased");
            assertEquals(404, api.post("/admin/keys/data-keys/999999/retire", admin, "").status());
            assertEquals(400, api.post("/admin/keys/data-keys/abc/retire", admin, "").status());
            assertEquals(403, api.post("/admin/keys/rotate", api.loginNewViewer("keys-viewer"), "{}").status(), "admins only");
        }
    }

    @Test
    void theRewrapGoesOnOnAnotherNodeWhenItsNodeStopsMidRun() throws Exception {
        Map<String, String> slow = Map.of("encryption.rewrap-rate", "300", "encryption.rewrap-batch", "25");
        TestServers.TwoNodes nodes = TestServers.startTwo(SharedPostgres.newDatabase("rewrap_resume"), slow, slow);
        PgAnalyticsServer survivor = null;
        try {
            DataSource db = nodes.a().database().dataSource();
            SealedTestTable table = new SealedTestTable("resume_secret").create(db).registerOn(nodes.a(), nodes.b());
            table.write(db, nodes.a().crypto().sealer(), 0, 2000, 1);
            ApiClient apiA = new ApiClient(nodes.a());
            ApiClient apiB = new ApiClient(nodes.b());
            String adminA = apiA.loginAdmin();
            String adminB = apiB.loginAdmin();
            ApiClient.Response rotated = apiA.post("/admin/keys/rotate", adminA, "{}");
            assertEquals(200, rotated.status(), rotated.body());
            int newKey = rotated.json().get("dataKey").asInt();
            Eventually.await(Duration.ofSeconds(30), "the re-wrap has started on a node",
                    () -> apiA.get("/admin/keys", adminA).json().get("rewrap").get("done").asLong() >= 100);
            String runner = apiA.get("/admin/keys", adminA).json().get("rewrap").get("node").asText();
            PgAnalyticsServer stopping = runner.equals(nodes.a().nodeName()) ? nodes.a() : nodes.b();
            survivor = stopping == nodes.a() ? nodes.b() : nodes.a();
            ApiClient api = stopping == nodes.a() ? apiB : apiA;
            String admin = stopping == nodes.a() ? adminB : adminA;
            stopping.close();
            long doneAtStop = api.get("/admin/keys", admin).json().get("rewrap").get("done").asLong();
            assertTrue(doneAtStop < 2000, "the run was stopped midway: " + doneAtStop);

            PgAnalyticsServer other = survivor;
            Eventually.await(Duration.ofSeconds(90), "the other node finished the run",
                    () -> "done".equals(api.get("/admin/keys", admin).json().get("rewrap").get("state").asText()));
            JsonNode run = api.get("/admin/keys", admin).json().get("rewrap");
            assertEquals(other.nodeName(), run.get("node").asText());
            assertEquals(2000, run.get("done").asLong(), "each value moved once, none twice or lost: " + run);
            DataSource open = other.database().dataSource();
            assertEquals(Map.of(newKey, 2000L), table.keys(open));
            assertEquals(0, table.unreadable(open, other.crypto().sealer()));
        } finally {
            nodes.a().close();
            nodes.b().close();
        }
    }

    private static JsonNode dataKey(JsonNode status, int id) {
        for (JsonNode key : status.get("dataKeys")) {
            if (key.get("id").asInt() == id) {
                return key;
            }
        }
        throw new AssertionError("no data key " + id + " in " + status);
    }
}
