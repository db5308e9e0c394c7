package io.pganalytics.server.ingest;

import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.util.UUID;

import static io.pganalytics.server.ingest.BatchDecoderTest.gzip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ingest route over real HTTPS with a real collector credential. */
@Tag("fault-and-attack")
class IngestHttpTest {
    private static PgAnalyticsServer server;
    private static ApiClient api;
    private static String credential;
    private static String admin;

    @BeforeAll
    static void start() {
        server = TestServers.start("ingesthttp");
        api = new ApiClient(server);
        admin = api.loginAdmin();
        String token = api.post("/collectors/registration-tokens", admin, "{\"note\":\"ingest test\"}").json().get("token").asText();
        ApiClient.Response registered = api.post("/collectors/register", null,
                "{\"token\":\"" + token + "\",\"name\":\"c1\",\"hostname\":\"h1\",\"collectorVersion\":\"3.5.0\"}");
        assertEquals(201, registered.status(), registered.body());
        credential = registered.json().get("credential").asText();
    }

    /** Registers another collector; returns its credential and id. */
    private static String[] register(String name) {
        String token = api.post("/collectors/registration-tokens", admin, "{\"note\":\"" + name + "\"}").json().get("token").asText();
        ApiClient.Response registered = api.post("/collectors/register", null,
                "{\"token\":\"" + token + "\",\"name\":\"" + name + "\",\"hostname\":\"h\",\"collectorVersion\":\"3.5.0\"}");
        assertEquals(201, registered.status(), registered.body());
        return new String[]{registered.json().get("credential").asText(), registered.json().get("collectorId").asText()};
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static ApiClient.Response post(String token, byte[] body, String encoding, String key) {
        HttpRequest.Builder request = api.request("/ingest", token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (encoding != null) {
            request.header("Content-Encoding", encoding);
        }
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        return api.send(request.build());
    }

    private static String recentBatch(String id) {
        String at = java.time.Instant.now().minusSeconds(30).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        return IngestServiceTest.batch(id, IngestServiceTest.database(at, 60));
    }

    @Test
    void aGzipBatchIsAcknowledgedAfterItsCommitAndItsDuplicateIsNotStoredAgain() {
        String id = "http-" + UUID.randomUUID();
        byte[] body = gzip(recentBatch(id));
        ApiClient.Response first = post(credential, body, "gzip", id);
        assertEquals(200, first.status(), first.body());
        assertFalse(first.json().get("duplicate").asBoolean());
        assertEquals(1, first.json().get("acceptedRows").get("database").asInt());
        ApiClient.Response again = post(credential, body, "gzip", id);
        assertEquals(200, again.status(), again.body());
        assertTrue(again.json().get("duplicate").asBoolean());
    }

    @Test
    void aCorruptGzipGetsA400EnvelopeAndAnUnknownEncodingA415() {
        byte[] body = gzip(recentBatch("corrupt-" + UUID.randomUUID()));
        byte[] badHeader = body.clone();
        badHeader[0] = 0x00;
        ApiClient.Response corrupt = post(credential, badHeader, "gzip", null);
        assertEquals(400, corrupt.status(), corrupt.body());
        assertEquals("malformed_request", corrupt.json().get("errorType").asText());
        assertTrue(corrupt.json().get("message").asText().contains("gzip"), corrupt.body());
        ApiClient.Response truncated = post(credential, java.util.Arrays.copyOf(body, body.length - 12), "gzip", null);
        assertEquals(400, truncated.status(), truncated.body());
        ApiClient.Response brotli = post(credential, body, "br", null);
        assertEquals(415, brotli.status(), brotli.body());
    }

    @Test
    void onlyACollectorCredentialMayIngest() {
        byte[] body = gzip(recentBatch("auth-" + UUID.randomUUID()));
        assertEquals(401, post(null, body, "gzip", null).status());
        assertEquals(401, post(admin, body, "gzip", null).status(), "a person's token is not a collector credential");
        assertEquals(401, post("pgac_00000000-0000-0000-0000-000000000000_bogus", body, "gzip", null).status());
    }

    @Test
    void anotherCollectorsWriteToAnOwnedInstanceGets409UntilAnAdminDeletesTheOwner() {
        String[] owner = register("owner");
        String[] other = register("other");
        String instance = Long.toString(System.nanoTime());
        java.util.function.Function<String, byte[]> batchFor = id -> gzip(recentBatch(id).replace("\"7312\"", "\"" + instance + "\""));
        assertEquals(200, post(owner[0], batchFor.apply("own-" + UUID.randomUUID()), "gzip", null).status());
        ApiClient.Response refused = post(other[0], batchFor.apply("other-" + UUID.randomUUID()), "gzip", null);
        assertEquals(409, refused.status(), refused.body());
        assertEquals("conflict", refused.json().get("errorType").asText());
        assertTrue(refused.json().get("message").asText().contains("belongs to another collector"), refused.body());
        assertEquals(204, api.delete("/collectors/" + owner[1], admin).status());
        ApiClient.Response taken = post(other[0], batchFor.apply("other-" + UUID.randomUUID()), "gzip", null);
        assertEquals(200, taken.status(), "the deleted collector's instance is free: " + taken.body());
    }
}
