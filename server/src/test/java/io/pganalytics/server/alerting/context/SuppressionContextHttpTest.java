package io.pganalytics.server.alerting.context;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.alerting.InstanceDirectory;
import io.pganalytics.server.alerting.Suppressions;
import io.pganalytics.server.query.SeriesData;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.Sql;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Instance labels, silences and maintenance windows over real HTTPS on a real server and database, and the
 * {@link InstanceDirectory} and {@link Suppressions} the evaluator reads from them.
 */
class SuppressionContextHttpTest {
    private static PgAnalyticsServer server;
    private static ApiClient api;
    private static DataSource db;
    private static String viewer;
    private static String operator;
    private static long alpha;
    private static long beta;

    @BeforeAll
    static void start() {
        server = TestServers.start("alerting_context");
        api = new ApiClient(server);
        db = server.database().dataSource();
        viewer = api.loginNewViewer("context-viewer");
        String admin = api.loginAdmin();
        ApiClient.Response created = api.post("/users", admin, "{\"username\":\"context-operator\",\"password\":\""
                + TestServers.ADMIN_PASSWORD + "\",\"roles\":[\"operator\"]}");
        assertEquals(201, created.status(), created.body());
        operator = api.login("context-operator", TestServers.ADMIN_PASSWORD);
        SeriesData data = new SeriesData(server);
        alpha = data.instance("context-alpha", Instant.now(), Instant.now(), false);
        beta = data.instance("context-beta", Instant.now(), Instant.now(), false);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static Suppressions suppressions() {
        return server.alerting().context().suppressions();
    }

    private static String count(String sql) throws SQLException {
        return Sql.rows(db, sql).getFirst().getFirst();
    }

    @Test
    void labelsAreReplacedByOperatorsReadByViewersAuditedAndSeenByTheDirectory() throws SQLException {
        ApiClient.Response put = api.put("/instances/" + alpha + "/labels", operator, "{\"labels\":{\"env\":\"prod\",\"team\":\"payments\"}}");
        assertEquals(200, put.status(), put.body());
        ApiClient.Response read = api.get("/instances/" + alpha + "/labels", viewer);
        assertEquals(200, read.status(), read.body());
        assertEquals("prod", read.json().get("labels").get("env").asText());
        assertEquals(alpha, read.json().get("instanceId").asLong());
        InstanceDirectory.Instance instance = server.alerting().context().instances().instances().get(alpha);
        assertEquals(Map.of("env", "prod", "team", "payments"), instance.labels());
        assertEquals("context-alpha", instance.name());
        assertEquals("1", count("SELECT count(*) FROM audit.record WHERE action = 'alerting.labels.update' AND resource_id = '" + alpha + "'"));
        assertEquals(403, api.put("/instances/" + alpha + "/labels", viewer, "{\"labels\":{}}").status());
        assertEquals(404, api.put("/instances/999999/labels", operator, "{\"labels\":{}}").status());
    }

    @Test
    void badLabelsGet400NamingTheLabelAndChangeNothing() throws SQLException {
        api.put("/instances/" + beta + "/labels", operator, "{\"labels\":{\"env\":\"staging\"}}");
        StringBuilder many = new StringBuilder("{\"labels\":{");
        for (int i = 0; i < 21; i++) {
            many.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"v\"");
        }
        many.append("}}");
        for (String[] bad : new String[][]{{"{\"labels\":{\"Env\":\"x\"}}", "Env"}, {"{\"labels\":{\"severity\":\"x\"}}", "labels.severity"},
                {"{\"labels\":{\"env\":\"\"}}", "labels.env"}, {many.toString(), "at most 20"}}) {
            ApiClient.Response response = api.put("/instances/" + beta + "/labels", operator, bad[0]);
            assertEquals(400, response.status(), bad[0]);
            assertTrue(response.body().contains(bad[1]), response.body());
        }
        assertEquals("env=staging", count("SELECT string_agg(key || '=' || value, ',') FROM instance_label WHERE instance_id = " + beta));
    }

    @Test
    void aSilenceMatchesWithAllFourOperatorsUntilItIsExpired() {
        Instant now = Instant.now();
        ApiClient.Response created = api.post("/silences", operator, "{\"matchers\":["
                + "{\"label\":\"instance\",\"op\":\"=\",\"value\":\"db1\"},"
                + "{\"label\":\"severity\",\"op\":\"!=\",\"value\":\"info\"},"
                + "{\"label\":\"alertname\",\"op\":\"=~\",\"value\":\"Replication.*\"},"
                + "{\"label\":\"env\",\"op\":\"!~\",\"value\":\"prod|staging\"}],"
                + "\"endsAt\":\"" + now.plus(1, ChronoUnit.HOURS) + "\",\"reason\":\"failover drill\"}");
        assertEquals(201, created.status(), created.body());
        long id = created.json().get("id").asLong();
        assertEquals("active", created.json().get("status").asText());
        assertEquals("context-operator", created.json().get("createdBy").asText());
        Map<String, String> matching = Map.of("instance", "db1", "severity", "critical", "alertname", "ReplicationLag", "env", "dev");
        Instant at = Instant.now();
        assertEquals(List.of(new Suppressions.Suppression("silence", id)), suppressions().at(at, null, matching));
        assertTrue(suppressions().at(at, null, Map.of("instance", "db1", "severity", "critical", "alertname", "ReplicationLag")).contains(
                new Suppressions.Suppression("silence", id)), "a missing label is the empty value, which !~ prod|staging");
        for (Map<String, String> other : List.of(
                Map.of("instance", "db2", "severity", "critical", "alertname", "ReplicationLag", "env", "dev"),
                Map.of("instance", "db1", "severity", "info", "alertname", "ReplicationLag", "env", "dev"),
                Map.of("instance", "db1", "severity", "critical", "alertname", "XReplicationLag", "env", "dev"),
                Map.of("instance", "db1", "severity", "critical", "alertname", "ReplicationLag", "env", "prod"))) {
            assertFalse(suppressions().at(at, null, other).contains(new Suppressions.Suppression("silence", id)), other.toString());
        }
        assertEquals(403, api.delete("/silences/" + id, viewer).status());
        assertEquals(204, api.delete("/silences/" + id, operator).status());
        assertEquals("expired", api.get("/silences/" + id, viewer).json().get("status").asText());
        assertFalse(suppressions().at(Instant.now(), null, matching).contains(new Suppressions.Suppression("silence", id)));
        assertEquals(409, api.delete("/silences/" + id, operator).status());
        JsonNode expired = api.get("/silences?state=expired", viewer).json();
        assertTrue(expired.findValues("id").stream().anyMatch(n -> n.asLong() == id));
    }

    @Test
    void badSilencesGet400NamingTheFieldAndChangeNothing() throws SQLException {
        String before = count("SELECT count(*) FROM alert_silence");
        String ends = "\"endsAt\":\"" + Instant.now().plus(1, ChronoUnit.HOURS) + "\"";
        for (String[] bad : new String[][]{
                {"{\"matchers\":[]," + ends + ",\"reason\":\"x\"}", "matchers"},
                {"{\"matchers\":[{\"label\":\"a\",\"op\":\"==\",\"value\":\"b\"}]," + ends + ",\"reason\":\"x\"}", "matchers[0].op"},
                {"{\"matchers\":[{\"label\":\"a\",\"op\":\"=~\",\"value\":\"(\"}]," + ends + ",\"reason\":\"x\"}", "matchers[0].value"},
                {"{\"matchers\":[{\"label\":\"a\",\"op\":\"=~\",\"value\":\".*\"}]," + ends + ",\"reason\":\"x\"}", "every alert"},
                {"{\"matchers\":[{\"label\":\"a\",\"op\":\"=\",\"value\":\"b\"}]," + ends + "}", "reason"},
                {"{\"matchers\":[{\"label\":\"a\",\"op\":\"=\",\"value\":\"b\"}],\"reason\":\"x\"}", "endsAt"},
                {"{\"matchers\":[{\"label\":\"a\",\"op\":\"=\",\"value\":\"b\"}],\"endsAt\":\"2020-01-01T00:00:00Z\",\"reason\":\"x\"}", "endsAt"}}) {
            ApiClient.Response response = api.post("/silences", operator, bad[0]);
            assertEquals(400, response.status(), bad[0] + " -> " + response.body());
            assertTrue(response.body().contains(bad[1]), response.body());
        }
        assertEquals(before, count("SELECT count(*) FROM alert_silence"));
    }

    @Test
    void aMaintenanceWindowOnALabelScopeSuppressesItsInstancesAndListsWhatItSuppressed() throws SQLException {
        api.put("/instances/" + alpha + "/labels", operator, "{\"labels\":{\"env\":\"prod\",\"team\":\"payments\"}}");
        Instant now = Instant.now();
        ApiClient.Response created = api.post("/maintenance-windows", operator, "{\"name\":\"vacuum full\",\"scope\":{\"labels\":{\"team\":\"payments\"}},"
                + "\"startsAt\":\"" + now.minus(1, ChronoUnit.MINUTES) + "\",\"endsAt\":\"" + now.plus(1, ChronoUnit.HOURS) + "\",\"reason\":\"planned\"}");
        assertEquals(201, created.status(), created.body());
        long id = created.json().get("id").asLong();
        assertTrue(created.json().get("activeNow").asBoolean());
        Suppressions.Suppression window = new Suppressions.Suppression("maintenance", id);
        assertTrue(suppressions().at(Instant.now(), alpha, Map.of()).contains(window));
        assertFalse(suppressions().at(Instant.now(), beta, Map.of()).contains(window), "beta has no team=payments label");

        long alertId = alert(alpha);
        Instant held = Instant.now().truncatedTo(ChronoUnit.MICROS);
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false); // what the evaluator writes in its transaction (AlertStore), round after round
            held(c, alertId, window, held);
            held(c, alertId, window, held.plusSeconds(30));
            c.commit();
        }
        ApiClient.Response suppressed = api.get("/maintenance-windows/" + id + "/suppressed", viewer);
        assertEquals(200, suppressed.status(), suppressed.body());
        assertEquals(1, suppressed.json().size());
        assertEquals(alertId, suppressed.json().get(0).get("alert").get("id").asLong());
        assertEquals("context-alpha", suppressed.json().get(0).get("alert").get("instanceName").asText());
        assertEquals(held.toString(), suppressed.json().get(0).get("firstAt").asText());
        assertEquals(held.plusSeconds(30).toString(), suppressed.json().get(0).get("lastAt").asText());

        ApiClient.Response stale = api.put("/maintenance-windows/" + id, operator, "{\"name\":\"vacuum full\",\"scope\":{\"instances\":[" + beta + "]},"
                + "\"startsAt\":\"" + now + "\",\"endsAt\":\"" + now.plus(1, ChronoUnit.HOURS) + "\",\"version\":7}");
        assertEquals(409, stale.status(), stale.body());
        ApiClient.Response moved = api.put("/maintenance-windows/" + id, operator, "{\"name\":\"vacuum full\",\"scope\":{\"instances\":[" + beta + "]},"
                + "\"startsAt\":\"" + now.minus(1, ChronoUnit.MINUTES) + "\",\"endsAt\":\"" + now.plus(1, ChronoUnit.HOURS) + "\",\"version\":1}");
        assertEquals(200, moved.status(), moved.body());
        assertTrue(suppressions().at(Instant.now(), beta, Map.of()).contains(window), "the cache follows the change");
        assertFalse(suppressions().at(Instant.now(), alpha, Map.of()).contains(window));
        assertEquals(204, api.delete("/maintenance-windows/" + id, operator).status());
        assertFalse(suppressions().at(Instant.now(), beta, Map.of()).contains(window));
        assertEquals("3", count("SELECT count(*) FROM audit.record WHERE action LIKE 'alerting.maintenance.%' AND resource_id = '" + id + "'"));
    }

    @Test
    void aRecurringWindowIsCheckedAndShowsWhenItOpensNext() {
        ApiClient.Response created = api.post("/maintenance-windows", operator, "{\"name\":\"weekly reindex\",\"scope\":{},"
                + "\"startsAt\":\"2026-01-01T00:00:00Z\",\"recurrence\":{\"days\":[\"sun\",\"SAT\"],\"start\":\"02:00\",\"duration\":\"2h\","
                + "\"timeZone\":\"Europe/Paris\"}}");
        assertEquals(201, created.status(), created.body());
        assertEquals("[\"SAT\",\"SUN\"]", created.json().get("recurrence").get("days").toString());
        assertTrue(created.json().hasNonNull("nextStart"));
        for (String[] bad : new String[][]{
                {"\"days\":[\"MOON\"],\"start\":\"02:00\",\"duration\":\"2h\",\"timeZone\":\"Europe/Paris\"", "recurrence.days"},
                {"\"days\":[\"MON\"],\"start\":\"25:00\",\"duration\":\"2h\",\"timeZone\":\"Europe/Paris\"", "recurrence.start"},
                {"\"days\":[\"MON\"],\"start\":\"02:00\",\"duration\":\"8d\",\"timeZone\":\"Europe/Paris\"", "recurrence.duration"},
                {"\"days\":[\"MON\"],\"start\":\"02:00\",\"duration\":\"2h\",\"timeZone\":\"Mars/Olympus\"", "recurrence.timeZone"}}) {
            ApiClient.Response response = api.post("/maintenance-windows", operator, "{\"name\":\"w\",\"scope\":{},\"startsAt\":\"2026-01-01T00:00:00Z\","
                    + "\"recurrence\":{" + bad[0] + "}}");
            assertEquals(400, response.status(), bad[0] + " -> " + response.body());
            assertTrue(response.body().contains(bad[1]), response.body());
        }
        assertEquals(400, api.post("/maintenance-windows", operator, "{\"name\":\"w\",\"scope\":{},\"startsAt\":\"2026-01-01T00:00:00Z\"}").status(),
                "a one-off window needs an end");
        assertEquals(403, api.post("/maintenance-windows", viewer, "{}").status());
    }

    /** An alert row as the evaluator writes one: returns its id. */
    private static long alert(long instanceId) throws SQLException {
        Sql.execute(db, "INSERT INTO alert_rule (name, severity, condition, summary, created_by, created_at, updated_by, updated_at)"
                + " VALUES ('Rule" + System.nanoTime() + "', 'warning', '{}', 's', 'test', now(), 'test', now())");
        String rule = count("SELECT max(id) FROM alert_rule");
        Sql.execute(db, "INSERT INTO alert (rule_id, instance_id, fingerprint, state, severity, labels, summary, value, pending_since,"
                + " fired_at, last_evaluated_at, suppressed, was_suppressed) VALUES (" + rule + ", " + instanceId + ", md5(random()::text),"
                + " 'firing', 'warning', '{\"alertname\":\"Rule\"}', 'lock waits', 3, now(), now(), now(), true, true)");
        return Long.parseLong(count("SELECT max(id) FROM alert"));
    }

    private static void held(Connection c, long alertId, Suppressions.Suppression by, Instant at) throws java.sql.SQLException {
        try (java.sql.PreparedStatement ps = c.prepareStatement("""
                INSERT INTO alert_suppression (alert_id, kind, source_id, first_at, last_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (alert_id, kind, source_id) DO UPDATE SET last_at = greatest(alert_suppression.last_at, excluded.last_at)""")) {
            ps.setLong(1, alertId);
            ps.setString(2, by.kind());
            ps.setLong(3, by.sourceId());
            ps.setTimestamp(4, java.sql.Timestamp.from(at));
            ps.setTimestamp(5, java.sql.Timestamp.from(at));
            ps.executeUpdate();
        }
    }
}
