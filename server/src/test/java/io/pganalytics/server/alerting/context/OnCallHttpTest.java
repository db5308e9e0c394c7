package io.pganalytics.server.alerting.context;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.common.alerting.OnCallShift;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.alerting.OnCallDirectory;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.Sql;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On-call schedules, overrides, contacts and escalation policies over real HTTPS on a real server and database, and
 * the {@link OnCallDirectory} escalation reads from them.
 */
class OnCallHttpTest {
    private static PgAnalyticsServer server;
    private static ApiClient api;
    private static DataSource db;
    private static String admin;
    private static String operator;
    private static String viewer;
    private static long alice;
    private static long bob;

    @BeforeAll
    static void start() {
        server = TestServers.start("alerting_oncall");
        api = new ApiClient(server);
        db = server.database().dataSource();
        admin = api.loginAdmin();
        alice = user("oncall-alice", "operator");
        bob = user("oncall-bob", "operator");
        operator = api.login("oncall-alice", TestServers.ADMIN_PASSWORD);
        viewer = api.loginNewViewer("oncall-viewer");
    }

    private static long user(String name, String role) {
        ApiClient.Response created = api.post("/users", admin, "{\"username\":\"" + name + "\",\"password\":\"" + TestServers.ADMIN_PASSWORD
                + "\",\"roles\":[\"" + role + "\"]}");
        assertEquals(201, created.status(), created.body());
        return Long.parseLong(created.json().get("id").asText());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static OnCallDirectory directory() {
        return server.alerting().context().onCall();
    }

    /** A daily rotation of alice then bob whose current turn (alice's) began at 09:00 Paris time today or yesterday. */
    private static String schedule(String name) {
        ZoneId paris = ZoneId.of("Europe/Paris");
        LocalDateTime nine = LocalDateTime.now(paris).truncatedTo(ChronoUnit.DAYS).withHour(9);
        if (nine.isAfter(LocalDateTime.now(paris))) {
            nine = nine.minusDays(1);
        }
        return "{\"name\":\"" + name + "\",\"timeZone\":\"Europe/Paris\",\"rotations\":[{\"name\":\"primary\",\"participants\":[" + alice + "," + bob
                + "],\"start\":\"" + nine.minusDays(2) + "\",\"length\":\"1d\"}]}";
    }

    @Test
    void whoIsOnCallNowFollowsTheRotationAndAnOverrideAndTheDirectoryAgrees() {
        api.put("/oncall/contacts/" + alice, admin, "{\"email\":\"alice@example.com\"}");
        ApiClient.Response created = api.post("/oncall/schedules", admin, schedule("dba-primary"));
        assertEquals(201, created.status(), created.body());
        long id = created.json().get("id").asLong();

        ApiClient.Response now = api.get("/oncall/schedules/" + id + "/now", viewer);
        assertEquals(200, now.status(), now.body());
        JsonNode shift = now.json().get("now");
        assertEquals(alice, shift.get("userId").asLong(), now.body());
        assertEquals("alice@example.com", shift.get("email").asText());
        assertEquals("primary", shift.get("rotation").asText());
        assertEquals(bob, now.json().get("upcoming").get(0).get("userId").asLong());
        assertEquals(shift.get("to").asText(), now.json().get("upcoming").get(0).get("from").asText(), "the hand-off");
        assertEquals(10, now.json().get("upcoming").size());
        OnCallShift seen = directory().onCall(id, Instant.now()).orElseThrow();
        assertEquals(alice, seen.userId());

        Instant start = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.SECONDS);
        ApiClient.Response override = api.post("/oncall/schedules/" + id + "/overrides", operator, "{\"userId\":" + bob + ",\"startsAt\":\"" + start
                + "\",\"endsAt\":\"" + start.plus(2, ChronoUnit.HOURS) + "\",\"reason\":\"alice at the dentist\"}");
        assertEquals(201, override.status(), override.body());
        long overrideId = override.json().get("id").asLong();
        JsonNode during = api.get("/oncall/schedules/" + id + "/now", viewer).json().get("now");
        assertEquals(bob, during.get("userId").asLong());
        assertEquals("override", during.get("rotation").asText());
        assertEquals("oncall-bob", directory().onCall(id, Instant.now()).orElseThrow().username());
        assertEquals(1, api.get("/oncall/schedules/" + id, viewer).json().get("overrides").size());
        assertTrue(api.get("/oncall/now", viewer).json().findValues("scheduleId").stream().anyMatch(n -> n.asLong() == id));

        assertEquals(403, api.delete("/oncall/schedules/" + id + "/overrides/" + overrideId, viewer).status());
        assertEquals(204, api.delete("/oncall/schedules/" + id + "/overrides/" + overrideId, operator).status());
        assertEquals(alice, directory().onCall(id, Instant.now()).orElseThrow().userId());
        assertEquals("alice@example.com", directory().person(alice).orElseThrow().email());
        assertTrue(directory().person(bob).isEmpty(), "bob has no contact");
    }

    @Test
    void badSchedulesGet400NamingTheFieldAndOnlyAdminsChangeThem() throws SQLException {
        String before = Sql.rows(db, "SELECT count(*) FROM oncall_schedule").getFirst().getFirst();
        for (String[] bad : new String[][]{
                {"{\"name\":\"s\",\"timeZone\":\"Nowhere/City\",\"rotations\":[{\"name\":\"p\",\"participants\":[" + alice + "],\"start\":\"2026-01-01T09:00\",\"length\":\"1d\"}]}", "timeZone"},
                {"{\"name\":\"s\",\"timeZone\":\"UTC\",\"rotations\":[]}", "rotations"},
                {"{\"name\":\"s\",\"timeZone\":\"UTC\",\"rotations\":[{\"name\":\"p\",\"participants\":[999999],\"start\":\"2026-01-01T09:00\",\"length\":\"1d\"}]}", "rotations[0].participants"},
                {"{\"name\":\"s\",\"timeZone\":\"UTC\",\"rotations\":[{\"name\":\"p\",\"participants\":[" + alice + "],\"start\":\"tomorrow\",\"length\":\"1d\"}]}", "rotations[0].start"},
                {"{\"name\":\"s\",\"timeZone\":\"UTC\",\"rotations\":[{\"name\":\"p\",\"participants\":[" + alice + "],\"start\":\"2026-01-01T09:00\",\"length\":\"10m\"}]}", "rotations[0].length"}}) {
            ApiClient.Response response = api.post("/oncall/schedules", admin, bad[0]);
            assertEquals(400, response.status(), bad[0] + " -> " + response.body());
            assertTrue(response.body().contains(bad[1]), response.body());
        }
        assertEquals(403, api.post("/oncall/schedules", operator, schedule("not-mine")).status());
        assertEquals(before, Sql.rows(db, "SELECT count(*) FROM oncall_schedule").getFirst().getFirst());
        assertEquals(400, api.put("/oncall/contacts/" + bob, admin, "{\"email\":\"not an address\"}").status());
        assertEquals(404, api.put("/oncall/contacts/999999", admin, "{\"email\":\"x@example.com\"}").status());
    }

    @Test
    void escalationPoliciesAreCheckedAgainstWhatTheyNameAndDeletesAreConfirmed() throws SQLException {
        long schedule = api.post("/oncall/schedules", admin, schedule("dba-secondary")).json().get("id").asLong();
        Sql.execute(db, "INSERT INTO alert_receiver (name, kind, settings, created_by, created_at, updated_at) VALUES"
                + " ('dba-mail', 'email', '{}', 'test', now(), now()), ('hook', 'webhook', '{}', 'test', now(), now())");
        long mail = Long.parseLong(Sql.rows(db, "SELECT id FROM alert_receiver WHERE name = 'dba-mail'").getFirst().getFirst());
        long hook = Long.parseLong(Sql.rows(db, "SELECT id FROM alert_receiver WHERE name = 'hook'").getFirst().getFirst());
        String levels = "\"levels\":[{\"targets\":[{\"schedule\":" + schedule + "}],\"after\":\"15m\"},{\"targets\":[{\"user\":" + bob
                + "},{\"receiver\":" + hook + "}],\"after\":\"PT30M\"}]";
        for (String[] bad : new String[][]{
                {"{\"name\":\"p\"," + levels + ",\"repeat\":1}", "emailReceiverId"},
                {"{\"name\":\"p\"," + levels + ",\"repeat\":1,\"emailReceiverId\":" + hook + "}", "emailReceiverId"},
                {"{\"name\":\"p\"," + levels + ",\"repeat\":11,\"emailReceiverId\":" + mail + "}", "repeat"},
                {"{\"name\":\"p\",\"levels\":[{\"targets\":[{\"schedule\":999999}],\"after\":\"15m\"}],\"emailReceiverId\":" + mail + "}", "levels[0].targets[0].schedule"},
                {"{\"name\":\"p\",\"levels\":[{\"targets\":[{\"user\":" + bob + ",\"receiver\":" + hook + "}],\"after\":\"15m\"}],\"emailReceiverId\":" + mail + "}", "levels[0].targets[0]"},
                {"{\"name\":\"p\",\"levels\":[{\"targets\":[{\"receiver\":" + hook + "}],\"after\":\"30s\"}]}", "levels[0].after"}}) {
            ApiClient.Response response = api.post("/oncall/escalation-policies", admin, bad[0]);
            assertEquals(400, response.status(), bad[0] + " -> " + response.body());
            assertTrue(response.body().contains(bad[1]), response.body());
        }
        ApiClient.Response created = api.post("/oncall/escalation-policies", admin, "{\"name\":\"dba\"," + levels + ",\"repeat\":1,\"emailReceiverId\":" + mail + "}");
        assertEquals(201, created.status(), created.body());
        long policy = created.json().get("id").asLong();
        assertEquals("30m", created.json().get("levels").get(1).get("after").asText());
        assertEquals(409, api.post("/oncall/escalation-policies", admin, "{\"name\":\"DBA\"," + levels + ",\"emailReceiverId\":" + mail + "}").status());

        ApiClient.Response refused = api.delete("/oncall/schedules/" + schedule, admin);
        assertEquals(409, refused.status(), "the policy names the schedule: " + refused.body());
        ApiClient unconfirmed = api.withoutConfirming();
        assertEquals(428, unconfirmed.delete("/oncall/escalation-policies/" + policy, admin).status());
        assertEquals(200, api.get("/oncall/escalation-policies/" + policy, viewer).status(), "not deleted without confirmation");
        assertEquals(204, api.delete("/oncall/escalation-policies/" + policy, admin).status());
        assertEquals(404, api.get("/oncall/escalation-policies/" + policy, viewer).status());
        assertEquals(204, api.delete("/oncall/schedules/" + schedule, admin).status());
        assertEquals("1", Sql.rows(db, "SELECT count(*) FROM audit.record WHERE action = 'alerting.escalation-policy.delete' AND resource_id = '"
                + policy + "'").getFirst().getFirst());
    }
}
