package io.pganalytics.server.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pganalytics.collector.ship.IngestClient;
import io.pganalytics.collector.ship.SendOutcome;
import io.pganalytics.collector.spool.SpooledBatch;
import io.pganalytics.common.api.ApiError;
import io.pganalytics.common.api.ErrorType;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.common.wire.IngestAck;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

import static io.pganalytics.server.ingest.BatchDecoderTest.gzip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Holds the real server to the ingest contract the collector's tests rely on: the same cases, the same answers (status,
 * JSON shape, error type) and the same outcome in the collector's own {@link IngestClient}, as the collector module's
 * {@code io.pganalytics.collector.ship.IngestContractTest} holds its {@code TestIngestServer} to.
 */
@Tag("fault-and-attack")
class IngestContractTest {
    private static final ObjectMapper MAPPER = JsonMapping.newMapper();
    private static PgAnalyticsServer server;
    private static HttpClient http;
    private static URI base;
    private static String credential;

    @BeforeAll
    static void start() {
        server = TestServers.start("ingestcontract");
        ApiClient api = new ApiClient(server);
        String admin = api.loginAdmin();
        String token = api.post("/collectors/registration-tokens", admin, "{\"note\":\"contract\"}").json().get("token").asText();
        ApiClient.Response registered = api.post("/collectors/register", null,
                "{\"token\":\"" + token + "\",\"name\":\"contract\",\"hostname\":\"h1\",\"collectorVersion\":\"3.5.0\"}");
        assertEquals(201, registered.status(), registered.body());
        credential = registered.json().get("credential").asText();
        http = HttpClient.newBuilder().sslContext(ApiClient.trusting(server.tls().orElseThrow().leaf()))
                .connectTimeout(Duration.ofSeconds(5)).build();
        base = URI.create("https://127.0.0.1:" + server.port());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String batch(String id, String family) {
        String at = Instant.now().minusSeconds(30).truncatedTo(ChronoUnit.SECONDS).toString();
        return IngestServiceTest.batch(id, IngestServiceTest.database(at, 60).replace("\"family\":\"database\"",
                "\"family\":\"" + family + "\""));
    }

    private static HttpResponse<byte[]> post(String withCredential, String contentType, byte[] body, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(IngestClient.resolve(base, "api/v1/ingest"))
                .header("Authorization", "Bearer " + withCredential)
                .header("Content-Type", contentType)
                .header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static SendOutcome send(String withCredential, String id, String json) throws Exception {
        IngestClient client = new IngestClient(http, base, () -> withCredential, Duration.ofSeconds(10), "test", Clock.systemUTC());
        return client.send(new SpooledBatch(1, "contract", id, Instant.now(), gzip(json)));
    }

    private static ApiError envelope(HttpResponse<byte[]> response, int status, ErrorType type) throws Exception {
        assertEquals(status, response.statusCode(), new String(response.body()));
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        ApiError error = MAPPER.readValue(response.body(), ApiError.class);
        assertEquals(status, error.status());
        assertEquals(type, error.errorType());
        assertFalse(error.message().isBlank());
        return error;
    }

    @Test
    void aValidBatchIsAcknowledgedWithItsRowsPerFamilyAndItsRepeatAsADuplicate() throws Exception {
        String id = "contract-" + UUID.randomUUID();
        byte[] body = gzip(batch(id, "database"));
        HttpResponse<byte[]> first = post(credential, "application/json", body, id);
        assertEquals(200, first.statusCode(), new String(first.body()));
        assertEquals(new IngestAck(id, false, Map.of("database", 1)), MAPPER.readValue(first.body(), IngestAck.class));
        assertTrue(MAPPER.readValue(post(credential, "application/json", body, id).body(), IngestAck.class).duplicate());
        String other = "contract-" + UUID.randomUUID();
        assertInstanceOf(SendOutcome.Acknowledged.class, send(credential, other, batch(other, "database")));
    }

    @Test
    void anUnknownCredentialIs401UnauthenticatedAndTheClientRetries() throws Exception {
        String id = "contract-" + UUID.randomUUID();
        envelope(post("pgac_unknown", "application/json", gzip(batch(id, "database")), id), 401, ErrorType.UNAUTHENTICATED);
        assertEquals(401, assertInstanceOf(SendOutcome.Failed.class, send("pgac_unknown", id, batch(id, "database"))).status());
    }

    @Test
    void anUnknownFamilyIs400ValidationFailedNamingTheFieldAndTheClientQuarantinesIt() throws Exception {
        String id = "contract-" + UUID.randomUUID();
        ApiError error = envelope(post(credential, "application/json", gzip(batch(id, "no_such_family")), id), 400,
                ErrorType.VALIDATION_FAILED);
        assertTrue(error.details().stream().anyMatch(d -> d.field().equals("snapshots[0].family")), error.toString());
        assertEquals(400, assertInstanceOf(SendOutcome.Refused.class, send(credential, id, batch(id, "no_such_family"))).status());
    }

    @Test
    void aBodyThatIsNotGzipIs400MalformedRequest() throws Exception {
        envelope(post(credential, "application/json", "not gzip at all".getBytes(), null), 400, ErrorType.MALFORMED_REQUEST);
    }

    @Test
    void aBodyThatIsNotJsonIs415UnsupportedMediaType() throws Exception {
        String id = "contract-" + UUID.randomUUID();
        envelope(post(credential, "text/plain", gzip(batch(id, "database")), id), 415, ErrorType.UNSUPPORTED_MEDIA_TYPE);
    }
}
