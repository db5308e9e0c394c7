package io.pganalytics.server.collectors;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.Set;

import static io.pganalytics.server.collectors.CollectorTesting.assertEnvelope;
import static io.pganalytics.server.collectors.CollectorTesting.registerNew;
import static io.pganalytics.server.collectors.CollectorTesting.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What admins do with registered collectors, over real HTTPS on a real node. */
class CollectorAdminHttpTest {
    private static PgAnalyticsServer server;
    private static ApiClient api;
    private static String admin;

    @BeforeAll
    static void start() {
        server = TestServers.start("collector_admin");
        api = new ApiClient(server);
        admin = api.loginAdmin();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theListPagesThroughEveryCollector() {
        for (int i = 0; i < 3; i++) {
            registerNew(api, admin, uniqueName("paged"));
        }
        JsonNode first = api.get("/collectors?limit=2&offset=0", admin).json();
        long total = first.get("total").asLong();
        assertTrue(total >= 3, first.toString());
        assertEquals(2, first.get("items").size());
        assertEquals(2, first.get("limit").asInt());
        Set<String> seen = new HashSet<>();
        for (int offset = 0; offset < total; offset += 2) {
            ApiClient.Response page = api.get("/collectors?limit=2&offset=" + offset, admin);
            assertEquals(200, page.status(), page.body());
            page.json().get("items").forEach(item -> seen.add(item.get("id").asText()));
        }
        assertEquals(total, seen.size(), "pages neither repeat nor skip");
        assertEnvelope(api.get("/collectors?limit=501", admin), 400, "validation_failed");
        assertEnvelope(api.get("/collectors?offset=-1", admin), 400, "validation_failed");
        assertEnvelope(api.get("/collectors?limit=ten", admin), 400, "validation_failed");
    }

    @Test
    void anAdminReadsRenamesDisablesAndEnablesACollector() {
        JsonNode identity = registerNew(api, admin, uniqueName("managed"));
        String id = identity.get("collectorId").asText();
        String credential = identity.get("credential").asText();

        JsonNode one = api.get("/collectors/" + id, admin).json();
        assertEquals(id, one.get("id").asText());
        assertTrue(one.get("enabled").asBoolean());
        assertTrue(one.get("heartbeat").isNull(), "no batch yet: " + one);
        assertFalse(one.toString().contains("credential"), "neither the credential nor its hash is shown");

        ApiClient.Response renamed = api.patch("/collectors/" + id, admin, "{\"name\":\"renamed one\"}");
        assertEquals(200, renamed.status(), renamed.body());
        assertEquals("renamed one", api.get("/collectors/me", credential).json().get("name").asText());

        ApiClient.Response disabled = api.patch("/collectors/" + id, admin, "{\"enabled\":false}");
        assertEquals(200, disabled.status(), disabled.body());
        assertFalse(disabled.json().get("enabled").asBoolean());
        assertEquals("renamed one", disabled.json().get("name").asText(), "an absent field is kept");
        ApiClient.Response refused = api.get("/collectors/me", credential);
        assertEnvelope(refused, 401, "unauthenticated");
        assertTrue(refused.json().get("message").asText().contains("disabled"), refused.body());

        assertEquals(200, api.patch("/collectors/" + id, admin, "{\"enabled\":true}").status());
        assertEquals(200, api.get("/collectors/me", credential).status());

        assertEnvelope(api.patch("/collectors/" + id, admin, "{\"name\":\"" + "x".repeat(201) + "\"}"), 400, "validation_failed");
        assertEnvelope(api.patch("/collectors/" + id, admin, "{\"name\":\"  \"}"), 400, "validation_failed");
        assertEnvelope(api.patch("/collectors/" + id, admin, "{\"enabled\":\"maybe\"}"), 400, "malformed_request");
        assertEnvelope(api.patch("/collectors/" + id, admin, "{\"credentialHash\":\"00\"}"), 400, "malformed_request");
    }

    @Test
    void aDeletedCollectorIsRefusedAndNoLongerListed() {
        JsonNode identity = registerNew(api, admin, uniqueName("doomed"));
        String id = identity.get("collectorId").asText();
        String credential = identity.get("credential").asText();
        assertEquals(200, api.get("/collectors/me", credential).status());

        assertEquals(204, api.delete("/collectors/" + id, admin).status());
        assertEnvelope(api.get("/collectors/me", credential), 401, "unauthenticated");
        assertEnvelope(api.get("/collectors/" + id, admin), 404, "not_found");
        assertEnvelope(api.delete("/collectors/" + id, admin), 404, "not_found");
        assertEnvelope(api.patch("/collectors/" + id, admin, "{\"enabled\":true}"), 404, "not_found");
        assertFalse(api.get("/collectors?limit=500", admin).body().contains(id));
        assertEquals(1, CollectorTesting.count(server, "SELECT count(*) FROM collector WHERE id = '" + id + "' AND deleted_at IS NOT NULL"),
                "the row stays, so that what it sent still names it");
    }

    @Test
    void unknownAndMalformedIdsGet404() {
        assertEnvelope(api.get("/collectors/00000000-0000-4000-8000-000000000000", admin), 404, "not_found");
        assertEnvelope(api.get("/collectors/not-a-uuid", admin), 404, "not_found");
        assertEnvelope(api.get("/collectors/00000000-0000-4000-8000-00000000000A", admin), 404, "not_found");
    }

    @Test
    void recordedActivityShowsAsTheHeartbeatInTheListAndToTheCollector() {
        JsonNode identity = registerNew(api, admin, uniqueName("beating"));
        String id = identity.get("collectorId").asText();
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        server.collectors().recordActivity(id, "3.5.1", at, 7L, null);

        JsonNode listed = null;
        for (JsonNode item : api.get("/collectors?limit=500", admin).json().get("items")) {
            if (item.get("id").asText().equals(id)) {
                listed = item;
            }
        }
        assertTrue(listed != null);
        JsonNode heartbeat = listed.get("heartbeat");
        assertEquals(at.toString(), heartbeat.get("lastSeenAt").asText());
        assertEquals("3.5.1", heartbeat.get("collectorVersion").asText());
        assertEquals(7, heartbeat.get("spoolDepthBatches").asLong());
        assertTrue(heartbeat.get("errors").isNull(), "unknown stays unknown: " + heartbeat);
        assertEquals("3.5.0", listed.get("version").asText(), "the registered version is kept apart");
        assertEquals(at.toString(), api.get("/collectors/me", identity.get("credential").asText()).json()
                .get("heartbeat").get("lastSeenAt").asText());
    }
}
