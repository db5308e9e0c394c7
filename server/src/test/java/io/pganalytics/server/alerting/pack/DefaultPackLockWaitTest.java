package io.pganalytics.server.alerting.pack;

import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.Eventually;
import io.pganalytics.server.testing.Sql;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The default pack on a real server: installed at start, and its LockWaits rule fires on what the demo stages (a
 * session waiting on a row lock for a few seconds, seen by the activity sample, every 5 s in the demo) and resolves
 * when the next sample sees no waiter: a collector's batches posted over HTTPS, stored by the ingest, evaluated by the
 * node's running evaluator.
 */
class DefaultPackLockWaitTest {
    private static final String COLUMNS = "[\"datname\",\"total\",\"active\",\"idle\",\"idle_in_transaction\",\"waiting\","
            + "\"lock_waiting\",\"longest_transaction_seconds\",\"longest_query_seconds\"]";
    private static PgAnalyticsServer server;
    private static HttpClient http;
    private static String credential;

    @BeforeAll
    static void start() {
        server = TestServers.start("packlockwait");
        ApiClient api = new ApiClient(server);
        String admin = api.loginAdmin();
        String token = api.post("/collectors/registration-tokens", admin, "{\"note\":\"pack\"}").json().get("token").asText();
        ApiClient.Response registered = api.post("/collectors/register", null,
                "{\"token\":\"" + token + "\",\"name\":\"pack\",\"hostname\":\"h1\",\"collectorVersion\":\"3.5.0\"}");
        assertEquals(201, registered.status(), registered.body());
        credential = registered.json().get("credential").asText();
        http = HttpClient.newBuilder().sslContext(ApiClient.trusting(server.tls().orElseThrow().leaf()))
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theLockWaitsRuleFiresOnADemoLockWaitAndResolvesWhenItEnds() throws Exception {
        assertTrue(Integer.parseInt(Sql.rows(server.database().dataSource(),
                "SELECT count(*) FROM alert_rule WHERE pack_key IS NOT NULL").get(0).get(0)) >= 20, "the pack is installed at start");
        Instant t = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(5);
        // the demo: its TPC-B sessions, and the update of an inventory row waiting 3 s on another session's row lock
        post(t, "[[\"demo\",6,3,2,1,1,1,3.2,3.1]]");
        Eventually.await(Duration.ofSeconds(30), "a LockWaits alert fires", () -> state().equals(List.of("firing")));
        post(t.plusSeconds(5), "[[\"demo\",6,2,4,0,0,0,0.4,0.2]]");
        Eventually.await(Duration.ofSeconds(30), "the alert resolves when no session waits", () -> state().equals(List.of("resolved")));
    }

    private static List<String> state() {
        try {
            return Sql.rows(server.database().dataSource(), """
                    SELECT a.state FROM alert a JOIN alert_rule r ON r.id = a.rule_id WHERE r.pack_key = 'lock-waits'
                    ORDER BY a.id""").stream().map(row -> row.get(0)).toList();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void post(Instant at, String rows) throws Exception {
        String snapshot = "{\"target\":{\"systemIdentifier\":\"7401\",\"name\":\"demo\",\"host\":\"127.0.0.1\",\"port\":5432},"
                + "\"family\":\"activity\",\"collectedAt\":\"" + at + "\",\"intervalSeconds\":null,\"columns\":" + COLUMNS
                + ",\"rows\":" + rows + "}";
        String id = "pack-" + UUID.randomUUID();
        String batch = "{\"schemaVersion\":1,\"batchId\":\"" + id + "\",\"collectorVersion\":\"3.5.0\",\"createdAt\":\"" + at
                + "\",\"snapshots\":[" + snapshot + "]}";
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + "/api/v1/ingest"))
                .header("Authorization", "Bearer " + credential).header("Content-Type", "application/json")
                .header("Content-Encoding", "gzip").header("Idempotency-Key", id)
                .POST(HttpRequest.BodyPublishers.ofByteArray(gzip(batch))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }
}
