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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The alerting API over real HTTPS on a real server and database: rules through the API, alerts, incidents and
 * notifications planted with SQL as the engine and the notifier write them; lists, filters and pages, acknowledge,
 * resolve, feedback and the sensitivity it moves, the fleet counts, effectiveness with its suggestions, roles, audit and
 * the live streams.
 */
class AlertingApiHttpTest {
    private static final Instant BASE = Instant.parse("2026-11-02T00:00:00Z"); // a Monday
    private static PgAnalyticsServer server;
    private static ApiClient api;
    private static DataSource db;
    private static String viewer;
    private static String operator;
    private static long alpha;
    private static long beta;
    private final List<Stream<String>> open = new ArrayList<>();

    @BeforeAll
    static void start() throws SQLException {
        server = TestServers.start(SharedPostgres.newDatabase("alerting_api"), TestServers.newClusterName(), Map.of("live.heartbeat", "500ms"));
        api = new ApiClient(server);
        db = server.database().dataSource();
        viewer = api.loginNewViewer("alerting-viewer");
        String admin = api.loginAdmin();
        ApiClient.Response created = api.post("/users", admin, "{\"username\":\"alerting-operator\",\"password\":\""
                + TestServers.ADMIN_PASSWORD + "\",\"roles\":[\"operator\"]}");
        assertEquals(201, created.status(), created.body());
        operator = api.login("alerting-operator", TestServers.ADMIN_PASSWORD);
        SeriesData data = new SeriesData(server);
        alpha = data.instance("alerting-alpha", Instant.now(), Instant.now(), false);
        beta = data.instance("alerting-beta", Instant.now(), Instant.now(), false);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void closeStreams() {
        open.forEach(Stream::close);
        open.clear();
        Eventually.await(Duration.ofSeconds(10), "the streams are closed", () -> server.live().openStreams() == 0);
    }

    // ---- planting rows as the engine and the notifier write them

    private static long insert(String sql) throws SQLException {
        try (Connection c = db.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql + " RETURNING id")) {
            rs.next();
            long id = rs.getLong(1);
            c.commit();
            return id;
        }
    }

    private static long rule(String name, String condition, int forSeconds) throws SQLException {
        return insert("INSERT INTO alert_rule (name, severity, condition, for_seconds, summary, created_by, created_at, updated_by, updated_at)"
                + " VALUES ('" + name + "', 'warning', '" + condition + "', " + forSeconds + ", '{{instance}}', 'test', now(), 'test', now())");
    }

    private static long incident(long instance, String state, Instant openedAt) throws SQLException {
        return insert("INSERT INTO alert_incident (group_key, instance_id, state, severity, title, opened_at, next_escalation_at, hints)"
                + " VALUES ('instance:" + instance + ":" + UUID.randomUUID() + "', " + instance + ", '" + state + "', 'critical', 'trouble on "
                + instance + "', '" + openedAt + "', " + (state.equals("open") ? "'" + openedAt.plusSeconds(900) + "'" : "NULL")
                + ", '[{\"rank\":1,\"type\":\"lock\",\"subject\":\"accounts\",\"detail\":\"a lock wait\",\"ref\":\"lock:1\","
                + "\"weight\":0.8,\"at\":\"" + openedAt + "\"}]')");
    }

    /** An alert; {@code incident} 0 for none. Fired {@code held} after it began, resolved {@code lasted} after (null: active). */
    private static long alert(long rule, long instance, String state, String severity, Double value, Instant pendingSince, Duration held,
                              Duration lasted, long incident, boolean suppressed) throws SQLException {
        Instant fired = state.equals("pending") ? null : pendingSince.plus(held);
        Instant resolved = lasted == null ? null : fired.plus(lasted);
        return insert("INSERT INTO alert (rule_id, instance_id, fingerprint, state, severity, labels, summary, value, pending_since, fired_at,"
                + " resolved_at, last_evaluated_at, incident_id, suppressed, was_suppressed) VALUES (" + rule + ", " + instance + ", '"
                + UUID.randomUUID().toString().replace("-", "") + "', '" + state + "', '" + severity
                + "', '{\"alertname\":\"r\",\"team\":\"dba\",\"instance_id\":\"" + instance + "\"}', 'summary', " + value + ", '" + pendingSince
                + "', " + at(fired) + ", " + at(resolved) + ", now(), " + (incident == 0 ? "NULL" : incident) + ", " + suppressed + ", "
                + suppressed + ")");
    }

    private static long notification(long incident, String state, String event, Instant createdAt) throws SQLException {
        return insert("INSERT INTO alert_notification (dedup_key, incident_id, event, payload, state, attempts, next_attempt_at, created_at,"
                + " sent_at, response_status) VALUES ('incident:" + incident + ":" + event + ":" + UUID.randomUUID() + "', " + incident + ", '"
                + event + "', '{}', '" + state + "', 1, '" + createdAt + "', '" + createdAt + "', "
                + (state.equals("sent") ? "'" + createdAt.plusSeconds(1) + "', 202" : "NULL, NULL") + ")");
    }

    private static String at(Instant at) {
        return at == null ? "NULL" : "'" + at + "'";
    }

    private static String one(String sql) throws SQLException {
        return Sql.rows(db, sql).getFirst().getFirst();
    }

    private static List<Long> ids(JsonNode list) {
        List<Long> ids = new ArrayList<>();
        list.forEach(row -> ids.add(row.get("id").asLong()));
        return ids;
    }

    /** An anomaly condition: valid whatever signals the server's build knows. */
    private static final String ANOMALY = "{\"kind\":\"anomaly\",\"series\":\"tps\",\"minSeverity\":\"warning\"}";

    private static String threshold(String signal, String op, double value) {
        return "{\"kind\":\"threshold\",\"signal\":\"" + signal + "\",\"op\":\"" + op + "\",\"value\":" + value + "}";
    }

    // ---- rules

    @Test
    void aRuleIsCreatedReadUpdatedAtItsVersionAndDeletedOnlyAfterConfirmation() throws SQLException {
        String body = "{\"name\":\"HighConnections\",\"severity\":\"warning\",\"condition\":" + ANOMALY
                + ",\"forDuration\":\"5m\",\"labels\":{\"team\":\"dba\"},\"summary\":\"{{instance}}: {{value}} connections\","
                + "\"escalation\":{\"after\":\"30m\",\"to\":\"critical\"}}";
        ApiClient.Response created = api.post("/rules", operator, body);
        assertEquals(201, created.status(), created.body());
        long id = created.json().get("id").asLong();
        assertEquals("5m", created.json().get("forDuration").asText());
        assertTrue(created.json().get("enabled").asBoolean(), "enabled unless said otherwise");
        assertEquals("alerting-operator", created.json().get("updatedBy").asText());
        assertEquals("300", one("SELECT for_seconds FROM alert_rule WHERE id = " + id));
        assertEquals("1", one("SELECT count(*) FROM audit.record WHERE action = 'alert-rule.create' AND resource_id = '" + id + "'"));

        ApiClient.Response read = api.get("/rules/" + id, viewer);
        assertEquals(200, read.status(), read.body());
        assertEquals("tps", read.json().get("condition").get("series").asText());
        assertEquals("dba", read.json().get("labels").get("team").asText());
        assertTrue(ids(api.get("/rules", viewer).json()).contains(id));
        assertEquals(409, api.post("/rules", operator, body.replace("HighConnections", "highconnections")).status(), "names are unique");

        String changed = body.replace("\"5m\"", "\"10m\"");
        String update = changed.substring(0, changed.length() - 1) + ",\"version\":" + read.json().get("version").asLong() + "}";
        ApiClient.Response updated = api.put("/rules/" + id, operator, update);
        assertEquals(200, updated.status(), updated.body());
        assertEquals("10m", updated.json().get("forDuration").asText());
        ApiClient.Response stale = api.put("/rules/" + id, operator, update);
        assertEquals(409, stale.status(), "the version read before the change is stale: " + stale.body());

        ApiClient.Response unconfirmed = api.withoutConfirming().delete("/rules/" + id, operator);
        assertEquals(428, unconfirmed.status(), unconfirmed.body());
        assertEquals("1", one("SELECT count(*) FROM alert_rule WHERE id = " + id), "nothing deleted before the confirmation");
        assertEquals(204, api.delete("/rules/" + id, operator).status());
        assertEquals(404, api.get("/rules/" + id, viewer).status());
        assertEquals("1", one("SELECT count(*) FROM audit.record WHERE action = 'alert-rule.delete' AND resource_id = '" + id + "'"));
    }

    @Test
    void aBadRuleGets400NamingEachFieldAndStoresNothing() throws SQLException {
        String before = one("SELECT count(*) FROM alert_rule");
        ApiClient.Response bad = api.post("/rules", operator, "{\"name\":\"9lives\",\"severity\":\"fatal\",\"condition\":{\"kind\":\"threshold\","
                + "\"signal\":\"no_such_signal\",\"op\":\"~\"},\"forDuration\":\"soon\",\"labels\":{\"severity\":\"x\"},\"summary\":\"\"}");
        assertEquals(400, bad.status(), bad.body());
        List<String> fields = new ArrayList<>();
        bad.json().get("details").forEach(detail -> fields.add(detail.get("field").asText()));
        assertEquals(List.of("name", "severity", "condition.signal", "condition.op", "condition.value", "forDuration", "labels.severity",
                "summary"), fields);
        ApiClient.Response nested = api.post("/rules", operator, "{\"name\":\"Nested\",\"severity\":\"info\",\"summary\":\"s\",\"condition\":"
                + "{\"kind\":\"all\",\"conditions\":[{\"kind\":\"any\",\"conditions\":[" + ANOMALY + "]}]}}");
        assertEquals(400, nested.status(), nested.body());
        assertEquals("condition.conditions[0].kind", nested.json().get("details").get(0).get("field").asText());
        assertEquals(400, api.post("/rules", operator, "{\"name\":\"Long\",\"severity\":\"info\",\"condition\":" + ANOMALY
                + ",\"summary\":\"" + "x".repeat(2001) + "\"}").status());
        assertEquals(before, one("SELECT count(*) FROM alert_rule"));
    }

    @Test
    void aViewerReadsButCannotChangeRulesOrIncidents() throws SQLException {
        long rule = rule("ViewerCannot", threshold("tps", ">", 1), 0);
        long incident = incident(alpha, "open", BASE.plus(40, ChronoUnit.DAYS));
        assertEquals(200, api.get("/rules", viewer).status());
        assertEquals(200, api.get("/rules/signals", viewer).status());
        assertEquals(200, api.get("/rules/effectiveness", viewer).status());
        assertEquals(200, api.get("/alerts/counts", viewer).status());
        assertEquals(403, api.post("/rules", viewer, "{}").status());
        assertEquals(403, api.put("/rules/" + rule, viewer, "{}").status());
        assertEquals(403, api.delete("/rules/" + rule, viewer).status());
        assertEquals(403, api.post("/incidents/" + incident + "/acknowledge", viewer, "{}").status());
        assertEquals(403, api.post("/incidents/" + incident + "/resolve", viewer, "{}").status());
        assertEquals(403, api.post("/incidents/" + incident + "/feedback", viewer, "{\"verdict\":\"noise\"}").status());
        assertEquals(401, api.get("/alerts", null).status());
        assertEquals("open", one("SELECT state FROM alert_incident WHERE id = " + incident));
    }

    @Test
    void aPreviewIsCheckedBoundedAndEvaluatedOverTheInstancesInScope() {
        String rule = "{\"name\":\"Preview\",\"severity\":\"info\",\"summary\":\"s\",\"condition\":" + ANOMALY
                + ",\"scope\":{\"instances\":[" + alpha + "," + beta + "]}}";
        ApiClient.Response tooLong = api.post("/rules/preview?days=8", viewer, rule);
        assertEquals(400, tooLong.status(), tooLong.body());
        assertEquals("days", tooLong.json().get("details").get(0).get("field").asText());
        assertEquals(400, api.post("/rules/preview", viewer, "{\"name\":\"Preview\"}").status(), "a rule that does not check");
        ApiClient.Response preview = api.post("/rules/preview?days=7", viewer, rule);
        assertEquals(200, preview.status(), preview.body());
        assertEquals(2, preview.json().get("instancesInScope").asInt());
        assertEquals(Duration.ofDays(7), Duration.between(Instant.parse(preview.json().get("from").asText()),
                Instant.parse(preview.json().get("to").asText())));
    }

    // ---- alerts, incidents, notifications

    @Test
    void theAlertListIsNewestFirstFilteredAndPagedByCursor() throws SQLException {
        long rule = rule("ListRule", threshold("tps", ">", 1), 0);
        Instant t = BASE.plus(10, ChronoUnit.DAYS);
        long a1 = alert(rule, alpha, "resolved", "warning", 2.0, t, Duration.ZERO, Duration.ofMinutes(5), 0, false);
        long a2 = alert(rule, alpha, "firing", "critical", 3.0, t.plus(1, ChronoUnit.HOURS), Duration.ZERO, null, 0, false);
        long b1 = alert(rule, beta, "pending", "warning", 4.0, t.plus(2, ChronoUnit.HOURS), Duration.ZERO, null, 0, false);
        long b2 = alert(rule, beta, "firing", "warning", 5.0, t.plus(2, ChronoUnit.HOURS), Duration.ZERO, null, 0, true);
        String range = "&rule=" + rule + "&from=" + t.minusSeconds(1) + "&to=" + t.plus(3, ChronoUnit.HOURS);

        ApiClient.Response all = api.get("/alerts?limit=500" + range, viewer);
        assertEquals(200, all.status(), all.body());
        assertEquals(List.of(b2, b1, a2, a1), ids(all.json().get("alerts")));
        JsonNode last = all.json().get("alerts").get(3);
        assertEquals("ListRule", last.get("ruleName").asText());
        assertEquals("alerting-alpha", last.get("instanceName").asText());
        assertEquals("dba", last.get("labels").get("team").asText());
        assertTrue(all.json().get("next").isNull());

        List<Long> paged = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = api.get("/alerts?limit=3" + range + (cursor == null ? "" : "&cursor=" + cursor), viewer).json();
            paged.addAll(ids(page.get("alerts")));
            cursor = page.get("next").textValue();
            pages++;
        } while (cursor != null && pages < 10);
        assertEquals(List.of(b2, b1, a2, a1), paged, "pages of 3 carry the same list");
        assertEquals(2, pages);

        assertEquals(List.of(b2, a2), ids(api.get("/alerts?state=firing" + range, viewer).json().get("alerts")));
        assertEquals(List.of(a2), ids(api.get("/alerts?severity=critical" + range, viewer).json().get("alerts")));
        assertEquals(List.of(b2, b1), ids(api.get("/alerts?instance=" + beta + range, viewer).json().get("alerts")));
        assertEquals(List.of(a1), ids(api.get("/alerts?rule=" + rule + "&from=" + t.plusSeconds(60) + "&to=" + t.plusSeconds(600), viewer)
                .json().get("alerts")), "a1 ran from t to t+5m");
        ApiClient.Response one = api.get("/alerts/" + b2, viewer);
        assertEquals(200, one.status(), one.body());
        assertTrue(one.json().get("suppressed").asBoolean());
        assertEquals(5.0, one.json().get("value").asDouble());
        assertEquals(404, api.get("/alerts/" + (b2 + 100_000), viewer).status());
    }

    @Test
    void badListParametersGet400NamingTheParameter() {
        for (String[] bad : new String[][]{{"/alerts?state=burning", "state"}, {"/alerts?severity=fatal", "severity"},
                {"/alerts?limit=501", "limit"}, {"/alerts?limit=0", "limit"}, {"/alerts?cursor=nope", "cursor"}, {"/alerts?instance=x", "instance"},
                {"/alerts?from=2026-11-21T00:00:00Z&to=2026-11-20T00:00:00Z", "from"}, {"/incidents?state=closed", "state"},
                {"/incidents?to=tomorrow", "to"}, {"/notifications?event=paged", "event"}, {"/notifications?state=lost", "state"},
                {"/rules/effectiveness?days=0", "days"}}) {
            ApiClient.Response response = api.get(bad[0], viewer);
            assertEquals(400, response.status(), bad[0] + ": " + response.body());
            assertEquals(bad[1], response.json().get("details").get(0).get("field").asText(), bad[0]);
        }
    }

    @Test
    void anIncidentShowsAllItsAlertsAndHintsAndTheListOnlyItsFiringOnes() throws SQLException {
        long own = new SeriesData(server).instance("alerting-incident", Instant.now(), Instant.now(), false);
        long rule = rule("IncidentRule", threshold("tps", ">", 1), 0);
        Instant t = BASE.plus(20, ChronoUnit.DAYS);
        long earlier = incident(own, "resolved", t.minus(2, ChronoUnit.DAYS));
        Sql.execute(db, "UPDATE alert_incident SET resolved_at = '" + t.minus(1, ChronoUnit.DAYS) + "' WHERE id = " + earlier);
        long incident = incident(own, "open", t);
        long firing = alert(rule, own, "firing", "critical", 9.0, t, Duration.ZERO, null, incident, false);
        long resolved = alert(rule, own, "resolved", "warning", 2.0, t.minusSeconds(60), Duration.ZERO, Duration.ofSeconds(30), incident, false);

        ApiClient.Response detail = api.get("/incidents/" + incident, viewer);
        assertEquals(200, detail.status(), detail.body());
        assertEquals(List.of(resolved, firing), ids(detail.json().get("alerts")));
        assertEquals("lock", detail.json().get("hints").get(0).get("type").asText());
        assertEquals("alerting-incident", detail.json().get("instanceName").asText());

        JsonNode list = api.get("/incidents?instance=" + own + "&from=" + t.minusSeconds(1) + "&to=" + t.plusSeconds(1), viewer).json();
        assertEquals(List.of(incident), ids(list.get("incidents")), "the earlier incident ended before the range");
        assertEquals(List.of(firing), ids(list.get("incidents").get(0).get("alerts")));
        assertEquals(List.of(incident, earlier), ids(api.get("/incidents?instance=" + own, viewer).json().get("incidents")));
        assertEquals(List.of(earlier), ids(api.get("/incidents?state=resolved&instance=" + own, viewer).json().get("incidents")));
        assertEquals(404, api.get("/incidents/" + (incident + 100_000), viewer).status());
    }

    @Test
    void acknowledgingStopsEscalationIsAuditedAndAResolvedIncidentCannotBe() throws SQLException {
        long rule = rule("AckRule", threshold("tps", ">", 1), 0);
        Instant t = BASE.plus(21, ChronoUnit.DAYS);
        long incident = incident(beta, "open", t);
        long alert = alert(rule, beta, "firing", "critical", 9.0, t, Duration.ZERO, null, incident, false);
        long pending = alert(rule, alpha, "pending", "warning", 1.5, t, Duration.ZERO, null, 0, false);

        ApiClient.Response acked = api.post("/alerts/" + alert + "/acknowledge", operator, "{}");
        assertEquals(200, acked.status(), acked.body());
        assertEquals("acknowledged", acked.json().get("state").asText());
        assertEquals("alerting-operator", acked.json().get("acknowledgedBy").asText());
        assertTrue(acked.json().get("nextEscalationAt").isNull(), "escalation stops");
        assertEquals("acknowledged", one("SELECT state FROM alert_incident WHERE id = " + incident));
        assertEquals(200, api.post("/incidents/" + incident + "/acknowledge", operator, "{}").status(), "again: no change");
        assertEquals("1", one("SELECT count(*) FROM audit.record WHERE action = 'alert-incident.acknowledge' AND resource_id = '" + incident + "'"));
        assertEquals(409, api.post("/alerts/" + pending + "/acknowledge", operator, "{}").status(), "a pending alert has no incident");

        ApiClient.Response resolved = api.post("/incidents/" + incident + "/resolve", operator, "{}");
        assertEquals(200, resolved.status(), resolved.body());
        assertEquals("resolved", resolved.json().get("state").asText());
        assertEquals("alerting-operator", resolved.json().get("resolvedBy").asText());
        assertEquals(409, api.post("/incidents/" + incident + "/acknowledge", operator, "{}").status());
        assertEquals(409, api.post("/incidents/" + incident + "/resolve", operator, "{}").status());
        assertEquals("1", one("SELECT count(*) FROM audit.record WHERE action = 'alert-incident.resolve' AND resource_id = '" + incident + "'"));
    }

    @Test
    void theFleetCountsAreFiringAlertsPerInstanceBySeverity() throws SQLException {
        long instance = new SeriesData(server).instance("alerting-counted", Instant.now(), Instant.now(), false);
        long rule = rule("CountRule", threshold("tps", ">", 1), 0);
        Instant t = BASE.plus(22, ChronoUnit.DAYS);
        long acked = incident(instance, "acknowledged", t);
        alert(rule, instance, "firing", "critical", 1.0, t, Duration.ZERO, null, acked, false);
        alert(rule, instance, "firing", "critical", 1.0, t, Duration.ZERO, null, 0, true);
        alert(rule, instance, "firing", "info", 1.0, t, Duration.ZERO, null, 0, false);
        alert(rule, instance, "pending", "warning", 1.0, t, Duration.ZERO, null, 0, false);
        alert(rule, instance, "resolved", "warning", 1.0, t, Duration.ZERO, Duration.ofSeconds(5), 0, false);

        ApiClient.Response counts = api.get("/alerts/counts", viewer);
        assertEquals(200, counts.status(), counts.body());
        JsonNode mine = null;
        for (JsonNode row : counts.json()) {
            if (row.get("instanceId").asLong() == instance) {
                mine = row;
            }
        }
        assertEquals(Map.of("critical", 2, "warning", 0, "info", 1, "acknowledged", 1, "suppressed", 1), Map.of("critical",
                mine.get("critical").asInt(), "warning", mine.get("warning").asInt(), "info", mine.get("info").asInt(), "acknowledged",
                mine.get("acknowledged").asInt(), "suppressed", mine.get("suppressed").asInt()));
    }

    @Test
    void notificationsAreListedPerIncidentAndFleetWideAndTakeFeedback() throws SQLException {
        Instant t = BASE.plus(23, ChronoUnit.DAYS);
        long incident = incident(alpha, "open", t);
        long n1 = notification(incident, "sent", "firing", t.plusSeconds(1));
        long n2 = notification(incident, "failed", "updated", t.plusSeconds(60));
        ApiClient.Response own = api.get("/incidents/" + incident + "/notifications", viewer);
        assertEquals(200, own.status(), own.body());
        assertEquals(List.of(n1, n2), ids(own.json()));
        assertEquals(202, own.json().get(0).get("responseStatus").asInt());
        assertEquals(List.of(n2, n1), ids(api.get("/notifications?incident=" + incident, viewer).json().get("notifications")));
        assertEquals(List.of(n2), ids(api.get("/notifications?state=failed&incident=" + incident, viewer).json().get("notifications")));
        assertEquals(404, api.get("/incidents/" + (incident + 100_000) + "/notifications", viewer).status());

        ApiClient.Response feedback = api.post("/notifications/" + n1 + "/feedback", operator, "{\"verdict\":\"noise\",\"comment\":\"nightly job\"}");
        assertEquals(200, feedback.status(), feedback.body());
        assertEquals("noise", feedback.json().get("feedback").asText());
        assertEquals("noise", one("SELECT feedback FROM alert_notification WHERE id = " + n1));
        assertEquals(400, api.post("/notifications/" + n1 + "/feedback", operator, "{\"verdict\":\"meh\"}").status());
        assertEquals(404, api.post("/notifications/" + (n2 + 100_000) + "/feedback", operator, "{\"verdict\":\"noise\"}").status());
        assertEquals("1", one("SELECT count(*) FROM audit.record WHERE action = 'alert-notification.feedback' AND resource_id = '" + n1 + "'"));
    }

    @Test
    void incidentFeedbackMovesTheSensitivityOfItsAnomalyRulesOncePerVerdict() throws SQLException {
        long anomalyRule = rule("AnomalyRule", "{\"kind\":\"anomaly\",\"series\":\"tps\"}", 0);
        long thresholdRule = rule("PlainRule", threshold("tps", ">", 1), 0);
        Instant t = BASE.plus(24, ChronoUnit.DAYS);
        long incident = incident(alpha, "open", t);
        alert(anomalyRule, alpha, "firing", "warning", 7.0, t, Duration.ZERO, null, incident, false);
        alert(thresholdRule, alpha, "firing", "warning", 7.0, t, Duration.ZERO, null, incident, false);

        ApiClient.Response noise = api.post("/incidents/" + incident + "/feedback", operator, "{\"verdict\":\"noise\",\"comment\":\"expected\"}");
        assertEquals(200, noise.status(), noise.body());
        assertEquals("noise", noise.json().get("feedback").asText());
        assertEquals(1.25, Double.parseDouble(one("SELECT sensitivity_factor FROM alert_rule WHERE id = " + anomalyRule)), 1e-9);
        assertEquals(1.0, Double.parseDouble(one("SELECT sensitivity_factor FROM alert_rule WHERE id = " + thresholdRule)), 1e-9,
                "only anomaly-based rules adapt");
        assertEquals(200, api.post("/incidents/" + incident + "/feedback", operator, "{\"verdict\":\"noise\"}").status());
        assertEquals(1.25, Double.parseDouble(one("SELECT sensitivity_factor FROM alert_rule WHERE id = " + anomalyRule)), 1e-9,
                "the same verdict again counts once");
        assertEquals(200, api.post("/incidents/" + incident + "/feedback", operator, "{\"verdict\":\"useful\"}").status());
        assertEquals(1 / 1.1, Double.parseDouble(one("SELECT sensitivity_factor FROM alert_rule WHERE id = " + anomalyRule)), 1e-9,
                "a changed verdict undoes the old move and makes its own");

        // clamped to [0.5, 3]
        Sql.execute(db, "UPDATE alert_rule SET sensitivity_factor = 2.9 WHERE id = " + anomalyRule);
        long other = incident(alpha, "open", t.plusSeconds(10));
        alert(anomalyRule, alpha, "firing", "warning", 7.0, t.plusSeconds(10), Duration.ZERO, null, other, false);
        assertEquals(200, api.post("/incidents/" + other + "/feedback", operator, "{\"verdict\":\"noise\"}").status());
        assertEquals(3.0, Double.parseDouble(one("SELECT sensitivity_factor FROM alert_rule WHERE id = " + anomalyRule)), 1e-9);
        assertEquals(400, api.post("/incidents/" + other + "/feedback", operator, "{\"verdict\":\"noise\",\"comment\":\"" + "x".repeat(1001)
                + "\"}").status());
        assertEquals("3", one("SELECT count(*) FROM audit.record WHERE action = 'alert-incident.feedback' AND resource_id = '" + incident + "'"),
                "each verdict is audited");
    }

    @Test
    void aNoisyRuleIsFlaggedWithAHigherThresholdALongerForAndAMaintenanceWindow() throws SQLException {
        long rule = rule("NoisyRule", threshold("connection_saturation_ratio", ">", 0.8), 0);
        long quiet = rule("QuietRule", threshold("tps", ">", 1000), 0);
        Instant now = Instant.now().truncatedTo(ChronoUnit.DAYS);
        // the previous Sunday 02:10 UTC and the weeks before: short firings around 0.85, marked noise
        Instant sunday = now.minus((now.atZone(java.time.ZoneOffset.UTC).getDayOfWeek().getValue()) % 7, ChronoUnit.DAYS)
                .plus(2, ChronoUnit.HOURS).plus(10, ChronoUnit.MINUTES);
        if (!sunday.isBefore(Instant.now())) {
            sunday = sunday.minus(7, ChronoUnit.DAYS);
        }
        for (int week = 0; week < 3; week++) {
            for (int i = 0; i < 2; i++) {
                Instant at = sunday.minus(7L * week, ChronoUnit.DAYS).plus(20L * i, ChronoUnit.MINUTES);
                long incident = incident(beta, "resolved", at);
                Sql.execute(db, "UPDATE alert_incident SET feedback = 'noise', resolved_at = '" + at.plusSeconds(240) + "' WHERE id = " + incident);
                alert(rule, beta, "resolved", "warning", 0.85 + 0.01 * i + 0.001 * week, at, Duration.ZERO, Duration.ofMinutes(3), incident, false);
            }
        }
        // two real problems: high, long, acknowledged after 10 minutes, on a Wednesday afternoon
        for (int i = 0; i < 2; i++) {
            Instant at = sunday.minus(4, ChronoUnit.DAYS).plus(12, ChronoUnit.HOURS).plus(i, ChronoUnit.HOURS);
            long incident = incident(beta, "resolved", at);
            Sql.execute(db, "UPDATE alert_incident SET feedback = 'useful', acknowledged_at = '" + at.plusSeconds(600) + "' WHERE id = " + incident);
            alert(rule, beta, "resolved", "critical", 0.97, at, Duration.ZERO, Duration.ofMinutes(40), incident, false);
            notification(incident, "sent", "firing", at.plusSeconds(1));
        }

        ApiClient.Response response = api.get("/rules/effectiveness?days=30", viewer);
        assertEquals(200, response.status(), response.body());
        JsonNode noisy = null;
        JsonNode calm = null;
        for (JsonNode row : response.json()) {
            if (row.get("ruleId").asLong() == rule) {
                noisy = row;
            } else if (row.get("ruleId").asLong() == quiet) {
                calm = row;
            }
        }
        assertEquals(8, noisy.get("firings").asInt());
        assertEquals(2, noisy.get("notifications").asInt());
        assertEquals(2, noisy.get("useful").asInt());
        assertEquals(6, noisy.get("noise").asInt());
        assertEquals(0.75, noisy.get("noiseShare").asDouble(), 1e-9);
        assertEquals(600.0, noisy.get("meanTimeToAcknowledgeSeconds").asDouble(), 1e-6);
        assertEquals((6 * 180.0 + 2 * 2400.0) / 8, noisy.get("meanTimeToResolveSeconds").asDouble(), 1e-6);
        assertTrue(noisy.get("flagged").asBoolean());
        Map<String, String> proposed = new HashMap<>();
        noisy.get("suggestions").forEach(s -> proposed.put(s.get("kind").asText(), s.get("proposed").asText()));
        assertEquals("0.863", proposed.get("threshold"), noisy.toString());
        assertEquals("4m", proposed.get("for"), noisy.toString());
        assertEquals("SUN 02:00-04:00 UTC", proposed.get("maintenance_window"), noisy.toString());
        assertEquals(0, calm.get("firings").asInt());
        assertTrue(calm.get("noiseShare").isNull());
        assertTrue(!calm.get("flagged").asBoolean());
    }

    // ---- live

    @Test
    void anAcknowledgedIncidentIsAnAlertEventOnTheFleetStreamAndItsInstanceStream() throws Exception {
        long incident = incident(beta, "open", BASE.plus(25, ChronoUnit.DAYS));
        BlockingQueue<String> fleet = connect("/alerts/live");
        BlockingQueue<String> instance = connect("/instances/" + beta + "/live");
        Eventually.await(Duration.ofSeconds(10), "both streams are open", () -> server.live().openStreams() == 2);
        assertEquals(200, api.post("/incidents/" + incident + "/acknowledge", operator, "{}").status());

        JsonNode onFleet = data(nextEvent(fleet, "alert", Duration.ofSeconds(10)));
        assertEquals(incident, onFleet.get("incident").get("id").asLong());
        assertEquals("acknowledged", onFleet.get("incident").get("state").asText());
        assertTrue(onFleet.get("alert").isNull());
        JsonNode onInstance = data(nextEvent(instance, "alert", Duration.ofSeconds(10)));
        assertEquals(incident, onInstance.get("incident").get("id").asLong());
    }

    private BlockingQueue<String> connect(String path) {
        HttpRequest.Builder request = api.request(path, viewer).timeout(Duration.ofMinutes(5)).header("Accept", "text/event-stream");
        HttpResponse<Stream<String>> response = api.send(request.GET().build(), HttpResponse.BodyHandlers.ofLines());
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
