package io.pganalytics.server.anomaly.points;

import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.anomaly.PointSource.Point;
import io.pganalytics.server.testing.ApiClient;
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
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The points of a batch as a collector sends it: posted over HTTPS to a real server, stored by its ingest, read back
 * by the point source from the tables the ingest wrote.
 */
class SqlPointSourceIngestTest {
    private static PgAnalyticsServer server;
    private static HttpClient http;
    private static String credential;

    @BeforeAll
    static void start() {
        server = TestServers.start("anomalypoints");
        ApiClient api = new ApiClient(server);
        String admin = api.loginAdmin();
        String token = api.post("/collectors/registration-tokens", admin, "{\"note\":\"points\"}").json().get("token").asText();
        ApiClient.Response registered = api.post("/collectors/register", null,
                "{\"token\":\"" + token + "\",\"name\":\"points\",\"hostname\":\"h1\",\"collectorVersion\":\"3.5.0\"}");
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
    void aStoredBatchGivesThePointsOfItsFamilies() throws Exception {
        Instant t1 = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(10));
        Instant t2 = t1.plusSeconds(60);
        String snapshots = String.join(",",
                snapshot("database", t1, "60", "[\"datname\",\"xact_commit\",\"xact_rollback\",\"blks_hit\",\"blks_read\"]",
                        "[[\"app\",600,60,990,10],[\"postgres\",0,0,0,0]]"),
                snapshot("database", t2, "60", "[\"datname\",\"xact_commit\",\"xact_rollback\",\"blks_hit\",\"blks_read\"]",
                        "[[\"app\",120,0,0,0],[\"postgres\",0,0,0,0]]"),
                snapshot("wait_events", t1, "null", "[\"datname\",\"backend_type\",\"wait_event_type\",\"wait_event\",\"backends\"]",
                        "[[\"app\",\"client backend\",\"Lock\",\"transactionid\",3],[\"app\",\"client backend\",null,null,2],"
                                + "[\"\",\"autovacuum worker\",null,null,1]]"),
                snapshot("statements", t2, "60", "[\"dbid\",\"userid\",\"queryid\",\"toplevel\",\"calls\",\"total_exec_time\"]",
                        "[[5,10,42,true,4,200.0],[5,10,43,true,1,1.5],[5,10,0,true,5,3.5]]"),
                snapshot("host_cpu", t2, "60", "[\"cpus\",\"user_seconds\",\"nice_seconds\",\"system_seconds\",\"idle_seconds\","
                                + "\"iowait_seconds\",\"irq_seconds\",\"softirq_seconds\",\"steal_seconds\"]",
                        "[[2,60.0,0.0,12.0,36.0,12.0,0.0,0.0,0.0]]"));
        String id = "points-" + UUID.randomUUID();
        String batch = "{\"schemaVersion\":1,\"batchId\":\"" + id + "\",\"collectorVersion\":\"3.5.0\",\"createdAt\":\"" + t2
                + "\",\"snapshots\":[" + snapshots + "]}";
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + "/api/v1/ingest"))
                .header("Authorization", "Bearer " + credential).header("Content-Type", "application/json")
                .header("Content-Encoding", "gzip").header("Idempotency-Key", id)
                .POST(HttpRequest.BodyPublishers.ofByteArray(gzip(batch))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());

        Map<String, List<Point>> points;
        try (Connection c = server.database().dataSource().getConnection()) {
            long instance = instanceId(c);
            points = new SqlPointSource(1).points(c, instance, t1.minusSeconds(1), t2, 100);
            c.rollback();
        }
        long s1 = t1.getEpochSecond();
        long s2 = t2.getEpochSecond();
        assertEquals(List.of(new Point(s1, 11.0), new Point(s2, 2.0)), points.get("tps"));
        assertEquals(List.of(new Point(s1, 0.99)), points.get("cache_hit_ratio"), "no blocks at t2: no ratio");
        assertEquals(List.of(new Point(s1, 3.0)), points.get("wait_backends:Lock"));
        assertEquals(List.of(new Point(s1, 0.0)), points.get("wait_backends:IO"));
        assertEquals(List.of(new Point(s1, 1.0)), points.get("autovacuum_workers"));
        assertEquals(List.of(new Point(s2, 20.5)), points.get("statement_latency_ms"), "205 ms over 10 calls");
        assertEquals(List.of(new Point(s2, 50.0)), points.get("statement_latency_ms:42"));
        assertEquals(List.of(new Point(s2, 0.6)), points.get("host_cpu_busy_ratio"));
        assertTrue(!points.containsKey("statement_latency_ms:43") && !points.containsKey("connections"), points.keySet().toString());
    }

    private static long instanceId(Connection c) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM monitored_instance WHERE system_identifier = '7316'");
             ResultSet rs = ps.executeQuery()) {
            assertTrue(rs.next(), "the instance of the batch is registered");
            return rs.getLong(1);
        }
    }

    private static String snapshot(String family, Instant at, String interval, String columns, String rows) {
        return "{\"target\":{\"systemIdentifier\":\"7316\",\"name\":\"db1\",\"host\":\"db1.example\",\"port\":5432},"
                + "\"family\":\"" + family + "\",\"collectedAt\":\"" + at + "\",\"intervalSeconds\":" + interval
                + ",\"columns\":" + columns + ",\"rows\":" + rows + "}";
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }
}
