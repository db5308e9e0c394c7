package io.pganalytics.server.alerting.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.query.SeriesData;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.Eventually;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.Sql;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The alerting API over the running engine: a rule created through the API fires on an open anomaly, its alert reaches
 * the fleet stream as an {@code alert} event (from the evaluator through {@code live.alertEvents()}), and the alert and
 * its incident are listed, acknowledged and given feedback that moves the rule's sensitivity.
 */
class AlertingApiEngineTest {
    private static PgAnalyticsServer server;
    private static ApiClient api;
    private static String operator;
    private static long instance;

    @BeforeAll
    static void start() throws SQLException {
        server = TestServers.start(SharedPostgres.newDatabase("alerting_engine_api"), TestServers.newClusterName(),
                Map.of("live.heartbeat", "500ms", "alerting.evaluation-interval", "1s"));
        api = new ApiClient(server);
        String admin = api.loginAdmin();
        ApiClient.Response created = api.post("/users", admin, "{\"username\":\"engine-operator\",\"password\":\""
                + TestServers.ADMIN_PASSWORD + "\",\"roles\":[\"operator\"]}");
        assertEquals(201, created.status(), created.body());
        operator = api.login("engine-operator", TestServers.ADMIN_PASSWORD);
        instance = new SeriesData(server).instance("engine-alpha", Instant.now(), Instant.now(), false);
        Instant started = Instant.now().minus(2, ChronoUnit.MINUTES);
        Sql.execute(server.database().dataSource(), "INSERT INTO anomaly (instance_id, series, kind, severity, state, started_at, peak_at,"
                + " score, expected, lower_bound, upper_bound, actual, points, hints, created_at, updated_at) VALUES (" + instance
                + ", 'tps', 'spike', 'critical', 'open', '" + started + "', '" + started + "', 9.5, 100, 80, 120, 400, 3, '[]', now(), now())");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aRuleCreatedThroughTheApiFiresAndItsAlertIsStreamedListedAcknowledgedAndJudged() throws Exception {
        HttpRequest.Builder request = api.request("/alerts/live", operator).timeout(Duration.ofMinutes(5)).header("Accept", "text/event-stream");
        HttpResponse<Stream<String>> response = api.send(request.GET().build(), HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, response.statusCode());
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try {
                response.body().forEach(lines::add);
            } catch (RuntimeException e) {
                lines.add("closed: " + e);
            }
        });
        try {
            ApiClient.Response rule = api.post("/rules", operator, "{\"name\":\"TpsAnomaly\",\"severity\":\"warning\",\"forDuration\":\"0s\","
                    + "\"condition\":{\"kind\":\"anomaly\",\"series\":\"tps\"},\"scope\":{\"instances\":[" + instance + "]},"
                    + "\"summary\":\"{{instance}}: an anomaly of tps\"}");
            assertEquals(201, rule.status(), rule.body());
            long ruleId = rule.json().get("id").asLong();

            JsonNode event = firingAlert(lines, "TpsAnomaly", Duration.ofSeconds(30));
            long alertId = event.get("alert").get("id").asLong();
            assertEquals(instance, event.get("alert").get("instanceId").asLong());

            Eventually.await(Duration.ofSeconds(10), "the alert is listed firing with its incident", () -> {
                JsonNode alerts = api.get("/alerts?state=firing&rule=" + ruleId, operator).json().get("alerts");
                return alerts.size() == 1 && alerts.get(0).get("id").asLong() == alertId && !alerts.get(0).get("incidentId").isNull();
            });
            long incidentId = api.get("/alerts/" + alertId, operator).json().get("incidentId").asLong();
            JsonNode incident = api.get("/incidents/" + incidentId, operator).json();
            assertEquals(alertId, incident.get("alerts").get(0).get("id").asLong());

            ApiClient.Response acked = api.post("/alerts/" + alertId + "/acknowledge", operator, "{}");
            assertEquals(200, acked.status(), acked.body());
            assertEquals("acknowledged", acked.json().get("state").asText());
            assertEquals(200, api.post("/incidents/" + incidentId + "/feedback", operator, "{\"verdict\":\"noise\"}").status());
            assertEquals(1.25, api.get("/rules/" + ruleId, operator).json().get("sensitivityFactor").asDouble(), 1e-9);
            JsonNode counts = api.get("/alerts/counts", operator).json();
            assertEquals(1, counts.size(), counts.toString());
            assertEquals(1, counts.get(0).get("warning").asInt());
            assertEquals(1, counts.get(0).get("acknowledged").asInt());
        } finally {
            response.body().close();
        }
    }

    /** The next {@code alert} event whose alert is of that rule and firing; fails after the timeout. */
    private static JsonNode firingAlert(BlockingQueue<String> lines, String ruleName, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, String> fields = new HashMap<>();
        while (true) {
            String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("no firing alert of " + ruleName + " within " + timeout);
            }
            if (line.isEmpty()) {
                if ("alert".equals(fields.get("event"))) {
                    JsonNode data = JsonMapping.newMapper().readTree(fields.get("data"));
                    JsonNode alert = data.get("alert");
                    if (alert != null && !alert.isNull() && ruleName.equals(alert.get("ruleName").asText())
                            && "firing".equals(alert.get("state").asText())) {
                        return data;
                    }
                }
                fields.clear();
            } else if (!line.startsWith(":")) {
                int colon = line.indexOf(':');
                fields.merge(line.substring(0, colon), line.substring(colon + 1).stripLeading(), (a, b) -> a + "\n" + b);
            }
        }
    }
}
