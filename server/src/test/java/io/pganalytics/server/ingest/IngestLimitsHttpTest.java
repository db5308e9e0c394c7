package io.pganalytics.server.ingest;

import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static io.pganalytics.server.ingest.BatchDecoderTest.gzip;
import static io.pganalytics.server.ingest.BatchDecoderTest.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ingest.max-compressed-bytes} holds for the bytes actually sent, with or without a Content-Length. */
@Tag("fault-and-attack")
class IngestLimitsHttpTest {
    private static final long LIMIT = 16 * 1024;
    private static PgAnalyticsServer server;
    private static ApiClient api;
    private static String credential;
    private static String databaseUrl;

    @BeforeAll
    static void start() {
        databaseUrl = SharedPostgres.newDatabase("ingest_limits");
        server = TestServers.start(databaseUrl, TestServers.newClusterName(), Map.of("ingest.max-compressed-bytes", LIMIT + "b"));
        api = new ApiClient(server);
        String admin = api.loginAdmin();
        String token = api.post("/collectors/registration-tokens", admin, "{\"note\":\"limits test\"}").json().get("token").asText();
        ApiClient.Response registered = api.post("/collectors/register", null,
                "{\"token\":\"" + token + "\",\"name\":\"c1\",\"hostname\":\"h1\",\"collectorVersion\":\"3.5.0\"}");
        assertEquals(201, registered.status(), registered.body());
        credential = registered.json().get("credential").asText();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A valid batch of query texts: random letters barely compress, so its gzip is about {@code bytes} long. */
    private static String batchOfAbout(String id, int bytes) {
        Random random = new Random(42);
        StringBuilder rows = new StringBuilder();
        String at = Instant.now().minusSeconds(30).truncatedTo(ChronoUnit.SECONDS).toString();
        for (int r = 0; rows.length() < bytes; r++) {
            StringBuilder text = new StringBuilder("SELECT '");
            for (int i = 0; i < 1000; i++) {
                text.append((char) ('a' + random.nextInt(26)));
            }
            rows.append(r == 0 ? "" : ",").append("[5,").append(r + 1).append(",\"app\",\"").append(text).append("'\"]");
        }
        return IngestServiceTest.batch(id, snapshot("statement_texts", at, "null", "[\"dbid\",\"queryid\",\"datname\",\"query\"]",
                "[" + rows + "]"));
    }

    /** Sends the body without a Content-Length: HTTP/1.1 chunked transfer encoding. */
    private static ApiClient.Response sendChunked(byte[] body, boolean gzip) {
        HttpRequest.Builder request = api.request("/ingest", credential).version(HttpClient.Version.HTTP_1_1)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));
        if (gzip) {
            request.header("Content-Encoding", "gzip");
        }
        return api.send(request.build());
    }

    private static long stored(String id) throws Exception {
        try (Connection c = DriverManager.getConnection(databaseUrl, "postgres", "");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM ingest_batch WHERE batch_id = '" + id + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aChunkedGzipUploadLargerThanTheLimitIsRefusedWith413AndNotStored() throws Exception {
        String id = "chunked-gzip-" + UUID.randomUUID();
        byte[] body = gzip(batchOfAbout(id, 60_000));
        assertTrue(body.length > 2 * LIMIT, "the gzip body is " + body.length + " bytes");
        ApiClient.Response response = sendChunked(body, true);
        assertEquals(413, response.status(), response.body());
        assertEquals("payload_too_large", response.json().get("errorType").asText());
        assertTrue(response.json().get("message").asText().contains("ingest.max-compressed-bytes"), response.body());
        assertEquals(0, stored(id));
    }

    @Test
    void aChunkedPlainUploadLargerThanTheLimitIsRefusedWith413AndNotStored() throws Exception {
        String id = "chunked-plain-" + UUID.randomUUID();
        byte[] body = batchOfAbout(id, 40_000).getBytes(StandardCharsets.UTF_8);
        ApiClient.Response response = sendChunked(body, false);
        assertEquals(413, response.status(), response.body());
        assertEquals(0, stored(id));
    }

    @Test
    void aChunkedUploadWithinTheLimitIsStored() throws Exception {
        String id = "chunked-small-" + UUID.randomUUID();
        ApiClient.Response response = sendChunked(gzip(batchOfAbout(id, 5_000)), true);
        assertEquals(200, response.status(), response.body());
        assertEquals(1, stored(id));
    }

    @Test
    void aDeclaredContentLengthOverTheLimitIsRefusedWith413() throws Exception {
        String id = "declared-" + UUID.randomUUID();
        byte[] body = gzip(batchOfAbout(id, 60_000));
        ApiClient.Response response = api.send(api.request("/ingest", credential).header("Content-Type", "application/json")
                .header("Content-Encoding", "gzip").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
        assertEquals(413, response.status(), response.body());
        assertEquals(0, stored(id));
    }
}
