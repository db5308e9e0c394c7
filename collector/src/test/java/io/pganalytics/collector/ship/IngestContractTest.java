package io.pganalytics.collector.ship;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pganalytics.collector.spool.SpooledBatch;
import io.pganalytics.collector.testing.Samples;
import io.pganalytics.collector.testing.TestIngestServer;
import io.pganalytics.common.api.ApiError;
import io.pganalytics.common.api.ErrorType;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.common.wire.IngestAck;
import io.pganalytics.common.wire.MetricBatch;
import io.pganalytics.common.wire.Snapshot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Holds {@link TestIngestServer} to the ingest contract of the real server: the same answers (status, JSON shape, error
 * type) to the same requests, and so the same outcome in the collector's {@link IngestClient}. The server module's
 * {@code io.pganalytics.server.ingest.IngestContractTest} runs the same cases against the real server.
 */
@Tag("fault-and-attack")
class IngestContractTest {
    private static final String CREDENTIAL = "contract-credential";
    private static final ObjectMapper MAPPER = JsonMapping.newMapper();
    private static TestIngestServer server;
    private static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        server = new TestIngestServer();
        server.acceptCredential(CREDENTIAL);
        http = server.tls().newClient(Duration.ofSeconds(5));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static MetricBatch batch(String family) {
        Snapshot sample = Samples.snapshot("contract", 0);
        Snapshot snapshot = new Snapshot(sample.target(), family, sample.collectedAt(), sample.intervalSeconds(),
                sample.columns(), sample.rows());
        return new MetricBatch(MetricBatch.SCHEMA_VERSION, "contract-" + UUID.randomUUID(), "test", Instant.now(), List.of(snapshot));
    }

    private static HttpResponse<byte[]> post(String credential, String contentType, byte[] body, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(IngestClient.resolve(server.url(), "api/v1/ingest"))
                .header("Authorization", "Bearer " + credential)
                .header("Content-Type", contentType)
                .header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static SendOutcome send(String credential, MetricBatch batch) throws Exception {
        IngestClient client = new IngestClient(http, server.url(), () -> credential, Duration.ofSeconds(5), "test", Clock.systemUTC());
        return client.send(new SpooledBatch(1, "contract", batch.batchId(), Instant.now(), Samples.gzipJson(batch)));
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
        MetricBatch batch = batch("database");
        HttpResponse<byte[]> first = post(CREDENTIAL, "application/json", Samples.gzipJson(batch), batch.batchId());
        assertEquals(200, first.statusCode(), new String(first.body()));
        IngestAck ack = MAPPER.readValue(first.body(), IngestAck.class);
        assertEquals(new IngestAck(batch.batchId(), false, Map.of("database", 1)), ack);
        IngestAck again = MAPPER.readValue(post(CREDENTIAL, "application/json", Samples.gzipJson(batch), batch.batchId()).body(),
                IngestAck.class);
        assertTrue(again.duplicate());
        assertInstanceOf(SendOutcome.Acknowledged.class, send(CREDENTIAL, batch("database")));
    }

    @Test
    void anUnknownCredentialIs401UnauthenticatedAndTheClientRetries() throws Exception {
        MetricBatch batch = batch("database");
        envelope(post("pgac_unknown", "application/json", Samples.gzipJson(batch), batch.batchId()), 401, ErrorType.UNAUTHENTICATED);
        SendOutcome outcome = send("pgac_unknown", batch);
        assertEquals(401, assertInstanceOf(SendOutcome.Failed.class, outcome).status());
    }

    @Test
    void anUnknownFamilyIs400ValidationFailedNamingTheFieldAndTheClientQuarantinesIt() throws Exception {
        MetricBatch batch = batch("no_such_family");
        ApiError error = envelope(post(CREDENTIAL, "application/json", Samples.gzipJson(batch), batch.batchId()), 400,
                ErrorType.VALIDATION_FAILED);
        assertTrue(error.details().stream().anyMatch(d -> d.field().equals("snapshots[0].family")), error.toString());
        assertEquals(400, assertInstanceOf(SendOutcome.Refused.class, send(CREDENTIAL, batch)).status());
    }

    @Test
    void aBodyThatIsNotGzipIs400MalformedRequest() throws Exception {
        envelope(post(CREDENTIAL, "application/json", "not gzip at all".getBytes(), null), 400, ErrorType.MALFORMED_REQUEST);
    }

    @Test
    void aBodyThatIsNotJsonIs415UnsupportedMediaType() throws Exception {
        MetricBatch batch = batch("database");
        envelope(post(CREDENTIAL, "text/plain", Samples.gzipJson(batch), batch.batchId()), 415, ErrorType.UNSUPPORTED_MEDIA_TYPE);
    }
}
