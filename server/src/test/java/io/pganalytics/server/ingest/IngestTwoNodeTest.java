package io.pganalytics.server.ingest;

import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

import static io.pganalytics.server.ingest.BatchDecoderTest.gzip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two nodes, one database: a batch stored through one node is a duplicate on the other, at once and after the cluster forgot it. */
class IngestTwoNodeTest {
    private static PgAnalyticsServer nodeA;
    private static PgAnalyticsServer nodeB;
    private static ApiClient apiA;
    private static ApiClient apiB;
    private static String credential;

    @BeforeAll
    static void start() throws Exception {
        String database = SharedPostgres.newDatabase("ingest_two_nodes");
        TestServers.TwoNodes nodes = TestServers.startTwo(database, Map.of(), Map.of());
        nodeA = nodes.a();
        nodeB = nodes.b();
        apiA = new ApiClient(nodeA);
        apiB = new ApiClient(nodeB);
        String admin = apiA.loginAdmin();
        String token = apiA.post("/collectors/registration-tokens", admin, "{\"note\":\"two nodes\"}").json().get("token").asText();
        credential = apiA.post("/collectors/register", null,
                "{\"token\":\"" + token + "\",\"name\":\"c2\",\"hostname\":\"h2\",\"collectorVersion\":\"3.5.0\"}").json().get("credential").asText();
    }

    @AfterAll
    static void stop() {
        nodeB.close();
        nodeA.close();
    }

    private static ApiClient.Response ingest(ApiClient api, String id, byte[] body) {
        return api.send(api.request("/ingest", credential).header("Content-Type", "application/json")
                .header("Content-Encoding", "gzip").header("Idempotency-Key", id)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    @Test
    void aBatchStoredThroughNodeAIsADuplicateOnNodeBEvenAfterTheClusterForgotIt() throws Exception {
        String id = "two-" + UUID.randomUUID();
        String at = Instant.now().minusSeconds(20).truncatedTo(ChronoUnit.SECONDS).toString();
        byte[] body = gzip(IngestServiceTest.batch(id, IngestServiceTest.database(at, 77)));
        ApiClient.Response first = ingest(apiA, id, body);
        assertEquals(200, first.status(), first.body());
        assertFalse(first.json().get("duplicate").asBoolean());
        ApiClient.Response onB = ingest(apiB, id, body);
        assertEquals(200, onB.status(), onB.body());
        assertTrue(onB.json().get("duplicate").asBoolean(), "node B knows the batch through the cluster");
        nodeA.cluster().hazelcast().getMap(IngestFeature.RECENT_BATCHES).clear();
        ApiClient.Response afterForgetting = ingest(apiB, id, body);
        assertTrue(afterForgetting.json().get("duplicate").asBoolean(), "and through the database once the cluster forgot it");
        try (Connection c = nodeB.database().dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM ts.database WHERE collected_at = '" + at + "'")) {
            rs.next();
            assertEquals(1, rs.getLong(1), "stored once");
            c.rollback();
        }
    }
}
