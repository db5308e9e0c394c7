package io.pganalytics.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Two server nodes, two Hazelcast members joined by member list, one database: sessions end on both at once. */
class AuthTwoNodeTest {
    private static PgAnalyticsServer nodeA;
    private static PgAnalyticsServer nodeB;
    private static ApiClient apiA;
    private static ApiClient apiB;

    @BeforeAll
    static void start() {
        String database = SharedPostgres.newDatabase("auth_two_nodes");
        TestServers.TwoNodes nodes = TestServers.startTwo(database, Map.of(), Map.of());
        nodeA = nodes.a();
        nodeB = nodes.b();
        apiA = new ApiClient(nodeA);
        apiB = new ApiClient(nodeB);
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

    private static JsonNode loginOnA() {
        ApiClient.Response response = apiA.post("/auth/login", null,
                "{\"username\":\"admin\",\"password\":\"" + TestServers.ADMIN_PASSWORD + "\"}");
        assertEquals(200, response.status(), response.body());
        return response.json();
    }

    @Test
    void aTokenIssuedByOneNodeIsAcceptedByTheOther() {
        JsonNode tokens = loginOnA();
        assertEquals(200, apiB.get("/auth/me", tokens.get("accessToken").asText()).status());
        ApiClient.Response refreshed = apiB.post("/auth/refresh", null, "{\"refreshToken\":\"" + tokens.get("refreshToken").asText() + "\"}");
        assertEquals(200, refreshed.status(), refreshed.body());
    }

    @Test
    void aSessionLoggedOutOnARefusesItsTokensOnB() {
        JsonNode tokens = loginOnA();
        String access = tokens.get("accessToken").asText();
        assertEquals(200, apiB.get("/auth/me", access).status());
        assertEquals(204, apiA.post("/auth/logout", access, "").status());
        assertEquals(401, apiB.get("/auth/me", access).status(), "the access token is refused on B at once");
        ApiClient.Response refresh = apiB.post("/auth/refresh", null, "{\"refreshToken\":\"" + tokens.get("refreshToken").asText() + "\"}");
        assertEquals(401, refresh.status(), "the refresh token revoked through A is refused by B: " + refresh.body());
    }

    @Test
    void aRefreshTokenReusedOnARevokesTheFamilyOnB() {
        JsonNode first = loginOnA();
        ApiClient.Response second = apiA.post("/auth/refresh", null, "{\"refreshToken\":\"" + first.get("refreshToken").asText() + "\"}");
        assertEquals(200, second.status(), second.body());
        String access2 = second.json().get("accessToken").asText();
        assertEquals(200, apiB.get("/auth/me", access2).status());
        assertEquals(401, apiA.post("/auth/refresh", null, "{\"refreshToken\":\"" + first.get("refreshToken").asText() + "\"}").status());
        assertEquals(401, apiB.get("/auth/me", access2).status());
        assertEquals(401, apiB.post("/auth/refresh", null, "{\"refreshToken\":\"" + second.json().get("refreshToken").asText() + "\"}").status());
    }

    @Test
    void failedLoginsOnBothNodesCountTowardsOneLimit() {
        String name = "shared-limit-" + System.nanoTime();
        for (int i = 0; i < 5; i++) {
            ApiClient api = i % 2 == 0 ? apiA : apiB;
            assertEquals(401, api.post("/auth/login", null, "{\"username\":\"" + name + "\",\"password\":\"wrong password\"}").status());
        }
        ApiClient.Response limitedOnA = apiA.post("/auth/login", null, "{\"username\":\"" + name + "\",\"password\":\"wrong password\"}");
        ApiClient.Response limitedOnB = apiB.post("/auth/login", null, "{\"username\":\"" + name + "\",\"password\":\"wrong password\"}");
        assertEquals(429, limitedOnA.status(), limitedOnA.body());
        assertEquals(429, limitedOnB.status(), limitedOnB.body());
    }
}
