package io.pganalytics.server.anomaly.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.common.anomaly.AnomalyView;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.anomaly.AnomalyTuning;
import io.pganalytics.server.query.SeriesData;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.Eventually;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Two nodes, one database, one Hazelcast cluster: an anomaly told to the events on A reaches SSE clients of B on the
 * instance's stream and on the fleet stream; a sensitivity or exclusion changed through A is what B's settings store
 * answers within seconds, though B had the old value cached (its cache lives a minute).
 */
class AnomalyTwoNodeTest {
    private static PgAnalyticsServer nodeA;
    private static PgAnalyticsServer nodeB;
    private static ApiClient apiA;
    private static ApiClient apiB;
    private static String operatorA;
    private static String viewerB;
    private static long instance;
    private final List<Stream<String>> open = new ArrayList<>();

    @BeforeAll
    static void start() {
        String database = SharedPostgres.newDatabase("anomaly_two_nodes");
        TestServers.TwoNodes nodes = TestServers.startTwo(database, Map.of("live.heartbeat", "500ms"), Map.of("live.heartbeat", "500ms"));
        nodeA = nodes.a();
        nodeB = nodes.b();
        apiA = new ApiClient(nodeA);
        apiB = new ApiClient(nodeB);
        String admin = apiA.loginAdmin();
        ApiClient.Response created = apiA.post("/users", admin, "{\"username\":\"two-node-operator\",\"password\":\""
                + TestServers.ADMIN_PASSWORD + "\",\"roles\":[\"operator\"]}");
        assertEquals(201, created.status(), created.body());
        operatorA = apiA.login("two-node-operator", TestServers.ADMIN_PASSWORD);
        apiA.loginNewViewer("two-node-viewer");
        viewerB = apiB.login("two-node-viewer", TestServers.ADMIN_PASSWORD);
        instance = new SeriesData(nodeA).instance("anomaly-live", Instant.now(), Instant.now(), false);
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
    void closeStreams() {
        open.forEach(Stream::close);
        open.clear();
        Eventually.await(Duration.ofSeconds(10), "the streams are closed",
                () -> nodeA.live().openStreams() == 0 && nodeB.live().openStreams() == 0);
    }

    @Test
    void aChangedSensitivityOrExclusionOnAIsWhatBsStoreAnswersWithinSeconds() {
        AnomalyTuning tuningB = nodeB.anomalies().tuning();
        Instant at = Instant.now().plus(Duration.ofMinutes(10));
        assertEquals(1.0, tuningB.thresholdFactor(instance)); // now cached on B for a minute
        assertEquals(false, tuningB.excluded(instance, "tps", at));

        assertEquals(200, apiA.put("/instances/" + instance + "/anomaly-settings", operatorA, "{\"sensitivity\":\"low\"}").status());
        Eventually.await(Duration.ofSeconds(10), "B's store answers the new sensitivity", () -> tuningB.thresholdFactor(instance) == 1.5);

        assertEquals(201, apiA.post("/instances/" + instance + "/anomaly-exclusions", operatorA, "{\"series\":\"tps\",\"startsAt\":\""
                + Instant.now() + "\",\"reason\":\"release night\"}").status());
        Eventually.await(Duration.ofSeconds(10), "B's store answers the new exclusion", () -> tuningB.excluded(instance, "tps", at));
    }

    @Test
    void anAnomalyToldOnAReachesBsInstanceStreamAndFleetStream() throws Exception {
        BlockingQueue<String> instanceLines = connect("/instances/" + instance + "/live", null);
        BlockingQueue<String> fleetLines = connect("/anomalies/live", null);
        Eventually.await(Duration.ofSeconds(10), "both streams are open on B", () -> nodeB.live().openStreams() == 2);
        AnomalyView view = view(4242);
        nodeA.anomalies().events().changed(view);

        Map<String, String> onInstance = nextEvent(instanceLines, "anomaly", Duration.ofSeconds(10));
        assertEquals(4242, data(onInstance).get("id").asLong());
        assertEquals("anomaly-live", data(onInstance).get("instanceName").asText());
        Map<String, String> onFleet = nextEvent(fleetLines, "anomaly", Duration.ofSeconds(10));
        assertEquals(4242, data(onFleet).get("id").asLong());
        assertEquals(onInstance.get("id"), onFleet.get("id"), "one event id cluster-wide");

        // resuming either stream from before the event replays it
        String before = Long.toString(Long.parseLong(onFleet.get("id")) - 1);
        BlockingQueue<String> resumed = connect("/anomalies/live", before);
        assertEquals(4242, data(nextEvent(resumed, "anomaly", Duration.ofSeconds(10))).get("id").asLong());
        BlockingQueue<String> resumedInstance = connect("/instances/" + instance + "/live", before);
        assertEquals(4242, data(nextEvent(resumedInstance, "anomaly", Duration.ofSeconds(10))).get("id").asLong());
    }

    private static AnomalyView view(long id) {
        Instant now = Instant.now();
        return new AnomalyView(id, instance, "anomaly-live", "tps", "transactions per second", "1/s", AnomalyView.SPIKE,
                AnomalyView.CRITICAL, AnomalyView.OPEN, now, null, now, 9.1, 100.0, 80.0, 120.0, 900.0, 2, List.of(), null, now);
    }

    private BlockingQueue<String> connect(String path, String lastEventId) {
        HttpRequest.Builder request = apiB.request(path, viewerB).timeout(Duration.ofMinutes(5)).header("Accept", "text/event-stream");
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<Stream<String>> response = apiB.send(request.GET().build(), HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, response.statusCode(), path);
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

    /** The next event of that name (skipping others and comments); fails after the timeout. */
    private static Map<String, String> nextEvent(BlockingQueue<String> lines, String name, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, String> fields = new HashMap<>();
        while (true) {
            String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("no " + name + " event within " + timeout + "; so far: " + fields);
            }
            if (line.isEmpty()) {
                if (name.equals(fields.get("event"))) {
                    return fields;
                }
                fields.clear();
            } else if (!line.startsWith(":")) {
                int colon = line.indexOf(':');
                fields.merge(line.substring(0, colon), line.substring(colon + 1).stripLeading(), (a, b) -> a + "\n" + b);
            }
        }
    }

    private static JsonNode data(Map<String, String> event) throws Exception {
        return JsonMapping.newMapper().readTree(event.get("data"));
    }
}
