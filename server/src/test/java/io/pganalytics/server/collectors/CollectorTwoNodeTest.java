package io.pganalytics.server.collectors;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import static io.pganalytics.server.collectors.CollectorTesting.assertEnvelope;
import static io.pganalytics.server.collectors.CollectorTesting.register;
import static io.pganalytics.server.collectors.CollectorTesting.registerNew;
import static io.pganalytics.server.collectors.CollectorTesting.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two server nodes, two Hazelcast members, one database: one registry, one set of heartbeats, one rate limit. */
class CollectorTwoNodeTest {
    private static PgAnalyticsServer nodeA;
    private static PgAnalyticsServer nodeB;
    private static ApiClient apiA;
    private static ApiClient apiB;
    private static String adminA;
    private static String adminB;

    @BeforeAll
    static void start() {
        String database = SharedPostgres.newDatabase("collector_two_nodes");
        Map<String, String> common = Map.of("collectors.registration-rate-limit.failures-before-delay", "4");
        TestServers.TwoNodes nodes = TestServers.startTwo(database, common, common);
        nodeA = nodes.a();
        nodeB = nodes.b();
        apiA = new ApiClient(nodeA);
        apiB = new ApiClient(nodeB);
        adminA = apiA.loginAdmin();
        adminB = apiB.loginAdmin();
    }

    @AfterAll
    static void stop() {
        if (nodeB != null) {
            nodeB.close();
        }
        if (nodeA != null) {
            nodeA.close();
        }
    }

    @Test
    void aTokenIssuedOnARegistersOnBAndTheCredentialWorksOnBoth() {
        String token = CollectorTesting.newToken(apiA, adminA);
        ApiClient.Response registered = register(apiB, token, uniqueName("crossing"));
        assertEquals(201, registered.status(), registered.body());
        assertTrue(!registered.json().hasNonNull("serverUrl"), "no http.public-url configured: nothing from the Host header");
        String credential = registered.json().get("credential").asText();
        assertEquals(200, apiA.get("/collectors/me", credential).status());
        assertEquals(200, apiB.get("/collectors/me", credential).status());
        assertEnvelope(register(apiA, token, uniqueName("again")), 409, "conflict");
    }

    @Test
    void aCollectorDisabledOnAIsRefusedOnBAtOnce() {
        JsonNode identity = registerNew(apiA, adminA, uniqueName("disabled"));
        String credential = identity.get("credential").asText();
        assertEquals(200, apiB.get("/collectors/me", credential).status(), "B knows it (and has read the registry)");
        assertEquals(200, apiA.patch("/collectors/" + identity.get("collectorId").asText(), adminA, "{\"enabled\":false}").status());
        assertEnvelope(apiB.get("/collectors/me", credential), 401, "unauthenticated");
        assertEnvelope(apiA.get("/collectors/me", credential), 401, "unauthenticated");
        assertEquals(200, apiB.patch("/collectors/" + identity.get("collectorId").asText(), adminB, "{\"enabled\":true}").status());
        assertEquals(200, apiA.get("/collectors/me", credential).status(), "enabled again through B, accepted on A");
    }

    @Test
    void aCollectorDeletedOnBIsRefusedOnAAtOnce() {
        JsonNode identity = registerNew(apiA, adminA, uniqueName("deleted"));
        String credential = identity.get("credential").asText();
        assertEquals(200, apiA.get("/collectors/me", credential).status());
        assertEquals(204, apiB.delete("/collectors/" + identity.get("collectorId").asText(), adminB).status());
        assertEnvelope(apiA.get("/collectors/me", credential), 401, "unauthenticated");
        assertEnvelope(apiB.get("/collectors/me", credential), 401, "unauthenticated");
    }

    @Test
    void aHeartbeatRecordedOnAShowsOnB() {
        JsonNode identity = registerNew(apiA, adminA, uniqueName("heartbeat"));
        String id = identity.get("collectorId").asText();
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        nodeA.collectors().recordActivity(id, "3.6.0", at, 0L, 2L);
        JsonNode heartbeat = apiB.get("/collectors/" + id, adminB).json().get("heartbeat");
        assertEquals(at.toString(), heartbeat.get("lastSeenAt").asText());
        assertEquals(2, heartbeat.get("errors").asLong());
    }

    @Test
    void badRegistrationsOnBothNodesCountTowardsOneLimit() {
        // Every request of this class comes from 127.0.0.1: start from a clean count and leave one behind.
        var failures = nodeA.cluster().hazelcast().getMap(RegistrationThrottle.MAP);
        failures.delete("127.0.0.1");
        String good = CollectorTesting.newToken(apiA, adminA);
        try {
            for (int i = 0; i < 4; i++) {
                ApiClient api = i % 2 == 0 ? apiA : apiB;
                assertEnvelope(register(api, "pgart_" + "C".repeat(43), uniqueName("guess")), 401, "unauthenticated");
            }
            ApiClient.Response limitedOnA = register(apiA, good, uniqueName("patient"));
            assertEnvelope(limitedOnA, 429, "rate_limited");
            assertEquals("1", limitedOnA.header("Retry-After").orElse(""));
            assertEnvelope(register(apiB, good, uniqueName("patient")), 429, "rate_limited");
        } finally {
            failures.delete("127.0.0.1");
        }
        assertEquals(201, register(apiB, good, uniqueName("patient")).status(), "the token was not spent while limited");
    }
}
