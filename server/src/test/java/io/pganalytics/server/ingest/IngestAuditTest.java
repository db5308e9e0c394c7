package io.pganalytics.server.ingest;

import io.pganalytics.common.audit.AuditRecordView;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.audit.RecordedAudit;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.Eventually;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.pganalytics.server.ingest.BatchDecoderTest.gzip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every ingest call is accounted for in the audit trail: accepted batches as per-collector counts over short windows,
 * each refused batch on its own; and no per-batch API record.
 */
class IngestAuditTest {
    private static PgAnalyticsServer server;
    private static ApiClient api;
    private static RecordedAudit audit;
    private static String admin;

    @BeforeAll
    static void start() {
        server = TestServers.start(SharedPostgres.newDatabase("audit_ingest"), TestServers.newClusterName(),
                Map.of("audit.ingest-window", "500ms"));
        api = new ApiClient(server);
        audit = new RecordedAudit(server);
        admin = api.loginAdmin();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String[] register(String name) {
        String token = api.post("/collectors/registration-tokens", admin, "{\"note\":\"" + name + "\"}").json().get("token").asText();
        ApiClient.Response registered = api.post("/collectors/register", null,
                "{\"token\":\"" + token + "\",\"name\":\"" + name + "\",\"hostname\":\"h\",\"collectorVersion\":\"3.5.0\"}");
        assertEquals(201, registered.status(), registered.body());
        return new String[]{registered.json().get("credential").asText(), registered.json().get("collectorId").asText()};
    }

    private static ApiClient.Response post(String token, byte[] body) {
        return api.send(api.request("/ingest", token).header("Content-Type", "application/json").header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    private static String batch(String id) {
        String at = java.time.Instant.now().minusSeconds(30).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        return IngestServiceTest.batch(id, IngestServiceTest.database(at, 60));
    }

    private static long sum(List<AuditRecordView> records, String field) {
        return records.stream().mapToLong(r -> r.details().get(field).asLong()).sum();
    }

    @Test
    void acceptedBatchesAreCountedPerCollectorAndEveryRefusedBatchIsRecordedOnItsOwn() throws SQLException {
        long mark = audit.mark();
        String[] collector = register("counted-" + UUID.randomUUID().toString().substring(0, 8));
        int sent = 7;
        long bytes = 0;
        long rows = 0;
        for (int i = 0; i < sent; i++) {
            byte[] body = gzip(batch(UUID.randomUUID().toString()));
            bytes += body.length;
            ApiClient.Response answer = post(collector[0], body);
            assertEquals(200, answer.status(), answer.body());
            rows += answer.json().get("acceptedRows").properties().stream().mapToLong(e -> e.getValue().asLong()).sum();
        }
        ApiClient.Response invalid = post(collector[0], gzip("{\"not\":\"a batch\"}"));
        assertEquals(400, invalid.status());
        ApiClient.Response unauthenticated = post("not-a-credential", gzip(batch(UUID.randomUUID().toString())));
        assertEquals(401, unauthenticated.status());

        Eventually.await(Duration.ofSeconds(30), "the window's counts are recorded", () -> {
            try {
                return sum(audit.after(mark, r -> r.action().equals("ingest.accepted") && collector[1].equals(r.resourceId())), "batches") >= sent;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        List<AuditRecordView> windows = audit.after(mark, r -> r.action().equals("ingest.accepted") && collector[1].equals(r.resourceId()));
        assertEquals(sent, sum(windows, "batches"), "every accepted batch counted once");
        assertEquals(rows, sum(windows, "rows"));
        assertEquals(bytes, sum(windows, "bytes"));
        AuditRecordView window = windows.getFirst();
        assertEquals("ingest", window.category());
        assertEquals("collector", window.actor().kind());
        assertEquals(collector[1], window.actor().id());
        assertEquals("127.0.0.1", window.actor().address());

        List<AuditRecordView> refused = audit.after(mark, r -> r.action().equals("ingest.refused"));
        assertEquals(2, refused.size(), "each refused batch on its own: " + refused);
        AuditRecordView bad = refused.stream().filter(r -> r.status() == 400).findFirst().orElseThrow();
        assertEquals(collector[1], bad.resourceId());
        assertEquals(invalid.json().get("errorType").asText(), bad.errorType());
        assertTrue(bad.details().get("reason").asText().length() > 0);
        assertEquals("failure", bad.outcome());
        AuditRecordView denied = refused.stream().filter(r -> r.status() == 401).findFirst().orElseThrow();
        assertEquals("anonymous", denied.actor().kind());
        assertEquals("denied", denied.outcome());

        assertEquals(List.of(), audit.after(mark, r -> r.category().equals("api") && r.action().contains("/ingest")),
                "no per-batch API record");
    }
}
