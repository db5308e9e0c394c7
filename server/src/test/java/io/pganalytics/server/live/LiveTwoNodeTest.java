package io.pganalytics.server.live;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.ingest.InstanceUpdate;
import io.pganalytics.server.ingest.StoredBatch;
import io.pganalytics.server.query.SeriesData;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two nodes, one database, one Hazelcast cluster: an update published on A reaches a live subscriber on B; heartbeats,
 * Last-Event-ID resumption and the per-node subscriber limit.
 */
class LiveTwoNodeTest {
    private static PgAnalyticsServer nodeA;
    private static PgAnalyticsServer nodeB;
    private static ApiClient apiA;
    private static ApiClient apiB;
    private static String tokenA;
    private static String tokenB;
    private static long instance;
    private final List<Stream<String>> open = new ArrayList<>();

    @BeforeAll
    static void start() throws InterruptedException {
        String database = SharedPostgres.newDatabase("live_two_nodes");
        TestServers.TwoNodes nodes = TestServers.startTwo(database,
                Map.of("live.max-subscribers", "2", "live.heartbeat", "500ms"), Map.of("live.heartbeat", "500ms"));
        nodeA = nodes.a();
        nodeB = nodes.b();
        apiA = new ApiClient(nodeA);
        apiB = new ApiClient(nodeB);
        tokenA = apiA.loginNewViewer("live-viewer");
        tokenB = apiB.login("live-viewer", TestServers.ADMIN_PASSWORD);
        instance = new SeriesData(nodeA).instance("live-alpha", Instant.now(), Instant.now(), false);
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

    @AfterEach
    void closeStreams() throws InterruptedException {
        open.forEach(Stream::close);
        open.clear();
        Instant deadline = Instant.now().plusSeconds(10);
        while ((nodeA.live().openStreams() > 0 || nodeB.live().openStreams() > 0) && Instant.now().isBefore(deadline)) {
            Thread.sleep(50); // the server notices a closed stream at its next heartbeat
        }
    }

    /** A stream's lines, read on a thread of their own so that the test can wait with deadlines. */
    private BlockingQueue<String> connect(ApiClient api, String token, String lastEventId, int[] status) {
        HttpRequest.Builder request = api.request("/instances/" + instance + "/live", token)
                .timeout(Duration.ofMinutes(5)).header("Accept", "text/event-stream");
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<Stream<String>> response = api.send(request.GET().build(), HttpResponse.BodyHandlers.ofLines());
        status[0] = response.statusCode();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        open.add(response.body());
        Thread.ofVirtual().start(() -> {
            try {
                response.body().forEach(lines::add);
            } catch (RuntimeException e) {
                lines.add("closed: " + e);
            }
        });
        return lines;
    }

    private BlockingQueue<String> connect(ApiClient api, String token, String lastEventId) {
        int[] status = new int[1];
        BlockingQueue<String> lines = connect(api, token, lastEventId, status);
        assertEquals(200, status[0]);
        return lines;
    }

    /** The next event's fields (id, event, data), skipping comments; fails after the timeout. */
    private static Map<String, String> nextEvent(BlockingQueue<String> lines, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, String> fields = new java.util.HashMap<>();
        while (true) {
            String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("no event within " + timeout + "; so far: " + fields);
            }
            if (line.isEmpty()) {
                if ("ping".equals(fields.get("event"))) {
                    fields.clear();
                } else if (!fields.isEmpty()) {
                    return fields;
                }
            } else if (!line.startsWith(":")) {
                int colon = line.indexOf(':');
                fields.merge(line.substring(0, colon), line.substring(colon + 1).stripLeading(), (a, b) -> a + "\n" + b);
            }
        }
    }

    private static void publishOnA(double tps) {
        nodeA.afterIngest(new StoredBatch("collector-live", "test", "batch-" + System.nanoTime(), Instant.now(), Map.of("database", 1),
                List.of(new InstanceUpdate(instance, "live-alpha", Instant.now(), List.of("database"), Map.of("tps", tps),
                        Map.of("Lock:transactionid", 2L)))));
    }

    private static JsonNode data(Map<String, String> event) throws Exception {
        return JsonMapping.newMapper().readTree(event.get("data"));
    }

    @Test
    void anUpdatePublishedOnAReachesASubscriberOnBWithinASecond() throws Exception {
        BlockingQueue<String> lines = connect(apiB, tokenB, null);
        nextEvent(lines, Duration.ofSeconds(5)); // the latest known figures come first
        long start = System.nanoTime();
        publishOnA(42.5);
        Map<String, String> event = nextEvent(lines, Duration.ofSeconds(1));
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals("update", event.get("event"));
        JsonNode update = data(event);
        assertEquals(42.5, update.get("figures").get("tps").asDouble());
        assertEquals(2, update.get("waits").get("Lock:transactionid").asLong());
        assertEquals(event.get("id"), update.get("eventId").asText());
        assertTrue(elapsedMs < 1000, elapsedMs + " ms");
    }

    @Test
    void theFirstEventIsTheLatestKnownAndHeartbeatsFollow() throws Exception {
        publishOnA(7.0);
        BlockingQueue<String> probe = connect(apiB, tokenB, null);
        Instant deadline = Instant.now().plusSeconds(5);
        Map<String, String> first = nextEvent(probe, Duration.ofSeconds(5));
        while (data(first).get("figures").path("tps").asDouble() != 7.0 && Instant.now().isBefore(deadline)) {
            first = nextEvent(probe, Duration.ofSeconds(5)); // the topic may deliver the update just after the connect
        }
        assertEquals(7.0, data(first).get("figures").get("tps").asDouble());
        BlockingQueue<String> fresh = connect(apiA, tokenA, null);
        assertEquals(7.0, data(nextEvent(fresh, Duration.ofSeconds(5))).get("figures").get("tps").asDouble(),
                "a new subscriber starts with the latest figures");
        String line;
        long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        do {
            line = fresh.poll(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
        } while (line != null && !line.startsWith(":"));
        assertNotNull(line, "a heartbeat comment within 3 s (live.heartbeat 500ms)");
        assertEquals(":ping", line);
    }

    @Test
    void aClientResumingWithLastEventIdGetsTheUpdatesItMissed() throws Exception {
        publishOnA(1.0);
        BlockingQueue<String> lines = connect(apiB, tokenB, null);
        Map<String, String> event = nextEvent(lines, Duration.ofSeconds(5));
        while (data(event).get("figures").path("tps").asDouble() != 1.0) {
            event = nextEvent(lines, Duration.ofSeconds(5));
        }
        String lastId = event.get("id");
        open.forEach(Stream::close);
        publishOnA(2.0);
        publishOnA(3.0);
        Instant deadline = Instant.now().plusSeconds(5);
        BlockingQueue<String> resumed;
        Map<String, String> missed;
        do {
            Thread.sleep(50); // until node B has heard both updates
            resumed = connect(apiB, tokenB, lastId);
            missed = nextEvent(resumed, Duration.ofSeconds(5));
        } while (data(missed).get("figures").get("tps").asDouble() != 2.0 && Instant.now().isBefore(deadline));
        assertEquals(2.0, data(missed).get("figures").get("tps").asDouble());
        assertEquals(3.0, data(nextEvent(resumed, Duration.ofSeconds(2))).get("figures").get("tps").asDouble());
        assertTrue(Long.parseLong(missed.get("id")) > Long.parseLong(lastId));
    }

    @Test
    void aNodeAtItsSubscriberLimitAnswers503() throws Exception {
        connect(apiA, tokenA, null);
        connect(apiA, tokenA, null);
        ApiClient.Response refused = apiA.get("/instances/" + instance + "/live", tokenA);
        assertEquals(503, refused.status(), refused.body());
        assertEquals("unavailable", refused.json().get("errorType").asText());
        assertTrue(refused.header("Retry-After").isPresent());
        assertEquals(401, apiA.get("/instances/" + instance + "/live", null).status());
        assertEquals(404, apiB.get("/instances/987654/live", tokenB).status());
    }
}
