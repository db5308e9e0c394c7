package io.pganalytics.server.audit.people;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.common.audit.AuditCanonical;
import io.pganalytics.common.auth.Role;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.audit.AuditEvent;
import io.pganalytics.server.audit.StoredRecord;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.Sql;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GDPR requests over real HTTP on two nodes sharing one database and one Hazelcast cluster: the subject-access
 * export, and the erasure that leaves every record in a chain that still verifies, unreadable on both nodes.
 */
class PeopleTwoNodeTest {
    private static PgAnalyticsServer nodeA;
    private static PgAnalyticsServer nodeB;
    private static ApiClient apiA;
    private static ApiClient apiB;
    private static String admin;

    /** A person the tests make, with the personal strings that must never be stored in the clear. */
    record Person(String id, String username, String displayName, String email, String address, String userAgent, String token) {
        List<String> personalStrings() {
            return List.of(username, displayName, email, address, userAgent);
        }
    }

    @BeforeAll
    static void start() {
        TestServers.TwoNodes nodes = TestServers.startTwo(SharedPostgres.newDatabase("audit_people"), Map.of(), Map.of());
        nodeA = nodes.a();
        nodeB = nodes.b();
        apiA = new ApiClient(nodeA);
        apiB = new ApiClient(nodeB);
        admin = apiA.loginAdmin();
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

    @Test
    void theSubjectAccessExportHoldsTheAccountSessionsAndEveryRecordByOrAboutThePerson() throws Exception {
        Person zoe = person("zoe", "198.51.100.71");
        ApiClient.Response response = apiA.get("/admin/people/" + zoe.id() + "/data", admin);
        assertEquals(200, response.status(), response.body());
        JsonNode data = response.json();
        assertEquals(zoe.username(), data.get("account").get("username").asText());
        assertEquals(zoe.displayName(), data.get("account").get("displayName").asText());
        assertEquals(zoe.email(), data.get("account").get("email").asText());
        assertEquals("viewer", data.get("account").get("roles").get(0).asText());
        assertTrue(data.get("account").get("hasPassword").asBoolean());
        assertEquals(1, data.get("sessions").size(), "her one sign-in: " + data.get("sessions"));
        assertEquals(1, data.get("sessions").get(0).get("refreshTokens").asInt());
        assertFalse(response.body().contains("$argon2"), "no password hash");
        assertFalse(response.body().contains(zoe.token()), "no token value");
        List<String> actions = new ArrayList<>();
        for (JsonNode record : data.get("records")) {
            actions.add(record.get("action").asText());
            assertEquals("readable", record.get("personal").asText(), record.toString());
        }
        assertTrue(actions.containsAll(List.of("auth.login", "user.update", "GET /api/v1/instances")), actions.toString());
        JsonNode update = record(data, "user.update");
        assertEquals(zoe.email(), update.get("after").get("email").asText(), "her personal fields, opened");
        assertEquals(false, update.get("after").get("enabled").asBoolean());
        JsonNode login = record(data, "auth.login");
        assertEquals(zoe.username(), login.get("actor").get("name").asText());
        assertEquals(zoe.address(), login.get("actor").get("address").asText());
        assertEquals(data.get("records").size(), data.get("recordsTotal").asInt());

        ApiClient.Response firstPage = apiB.get("/admin/people/" + zoe.id() + "/data?limit=1", admin);
        assertEquals(200, firstPage.status(), firstPage.body());
        assertEquals(1, firstPage.json().get("records").size());
        long next = firstPage.json().get("nextAfterSeq").asLong();
        ApiClient.Response secondPage = apiB.get("/admin/people/" + zoe.id() + "/data?limit=1&afterSeq=" + next, admin);
        assertTrue(secondPage.json().get("records").get(0).get("seq").asLong() > next, secondPage.body());

        assertEquals("3", Sql.rows(nodeA.database().dataSource(), "SELECT count(*) FROM audit.record WHERE action = 'person.export'"
                + " AND resource_type = 'user' AND resource_id = '" + zoe.id() + "'").get(0).get(0), "each access itself is recorded");
        assertEquals(400, apiA.get("/admin/people/" + zoe.id() + "/data?afterSeq=x", admin).status());
        assertEquals(404, apiA.get("/admin/people/99999999/data", admin).status());
        assertEquals(404, apiA.get("/admin/people/abc/data", admin).status());
    }

    @Test
    void anErasureLeavesEveryRecordOfThePersonErasedOnBothNodesWithTheChainStillVerifying() throws Exception {
        Person yara = person("yara", "198.51.100.72");
        DataSource db = nodeA.database().dataSource();
        assertNoClearText(db, yara, "before the erasure");
        // node B opens her records first, so that it holds her key in memory: the erasure must make it forget
        ApiClient.Response beforeOnB = apiB.get("/admin/people/" + yara.id() + "/data", admin);
        assertEquals(200, beforeOnB.status(), beforeOnB.body());
        assertTrue(beforeOnB.body().contains(yara.email()), "readable before");
        int records = beforeOnB.json().get("records").size();

        ApiClient.Response asked = apiA.withoutConfirming().post("/admin/people/" + yara.id() + "/erase", admin, "");
        assertEquals(428, asked.status(), asked.body());
        String confirmation = asked.json().get("confirmation").get("token").asText();
        for (String personal : yara.personalStrings()) {
            assertFalse(asked.body().contains(personal), "the summary names her by id only: " + asked.body());
        }
        ApiClient.Response erased = apiA.send(apiA.request("/admin/people/" + yara.id() + "/erase", admin)
                .header("X-Confirmation", confirmation).POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(200, erased.status(), erased.body());
        JsonNode result = erased.json();
        assertTrue(result.get("accountDeleted").asBoolean());
        assertEquals(1, result.get("sessions").asInt());
        assertEquals(2, result.get("nodesForgotten").asInt(), "both nodes confirmed they dropped her key");
        assertTrue(result.get("auditRecords").asLong() >= 3, result.toString());

        assertEquals(401, apiB.get("/auth/me", yara.token()).status(), "her session ends on the other node at once");
        for (PgAnalyticsServer node : List.of(nodeA, nodeB)) {
            ApiClient api = node == nodeA ? apiA : apiB;
            ApiClient.Response after = api.get("/admin/people/" + yara.id() + "/data", admin);
            assertEquals(200, after.status(), after.body());
            JsonNode data = after.json();
            assertTrue(data.get("account").isNull(), after.body());
            assertEquals(0, data.get("sessions").size());
            assertNotNull(data.get("erasure").get("erasedAt"));
            for (String personal : yara.personalStrings()) {
                assertFalse(after.body().contains(personal), "no '" + personal + "' on node " + node.nodeName() + ": " + after.body());
            }
            assertTrue(data.get("records").size() >= records, "every record stays");
            for (JsonNode record : data.get("records")) {
                String action = record.get("action").asText();
                if (List.of("auth.login", "user.update", "GET /api/v1/instances").contains(action)) {
                    assertEquals("erased", record.get("personal").asText(), record.toString());
                }
            }
            JsonNode update = record(data, "user.update");
            assertEquals(false, update.get("after").get("enabled").asBoolean(), "what is not personal stays");
            assertTrue(update.get("after").get("email") == null, "her e-mail is gone: " + update);
            assertEquals(yara.id(), record(data, "auth.login").get("actor").get("id").asText(), "a pseudonymous id stays");
            assertEquals(200, record(data, "GET /api/v1/instances").get("status").asInt());
            assertEquals("success", record(data, "person.erase").get("outcome").asText());
        }
        assertNoClearText(db, yara, "after the erasure");
        assertEquals("0", Sql.rows(db, "SELECT count(*) FROM auth_user WHERE id = " + yara.id()).get(0).get(0));
        assertEquals("0", Sql.rows(db, "SELECT count(*) FROM auth_session WHERE user_id = " + yara.id()).get(0).get(0));
        assertEquals(List.of("t", "t"), Sql.rows(db, "SELECT secret IS NULL, erased_at IS NOT NULL FROM audit.person_key"
                + " WHERE person_id = '" + yara.id() + "'").get(0));
        assertChainVerifies(db);
        assertEquals(409, apiB.post("/admin/people/" + yara.id() + "/erase", admin, "").status(), "erased once only");
    }

    @Test
    void aPersonWhoseAccountWasAlreadyDeletedCanStillBeErasedFromTheTrail() throws Exception {
        Person xena = person("xena", "198.51.100.73");
        assertEquals(204, apiA.delete("/users/" + xena.id(), admin).status());
        ApiClient.Response before = apiB.get("/admin/people/" + xena.id() + "/data", admin);
        assertEquals(200, before.status(), before.body());
        assertTrue(before.json().get("account").isNull());
        assertTrue(before.body().contains(xena.email()), "her records are still readable: " + before.body());

        ApiClient.Response erased = apiB.post("/admin/people/" + xena.id() + "/erase", admin, "");
        assertEquals(200, erased.status(), erased.body());
        assertFalse(erased.json().get("accountDeleted").asBoolean());
        ApiClient.Response after = apiA.get("/admin/people/" + xena.id() + "/data", admin);
        for (String personal : xena.personalStrings()) {
            assertFalse(after.body().contains(personal), "no '" + personal + "': " + after.body());
        }
        assertNoClearText(nodeA.database().dataSource(), xena, "after the erasure");
        assertChainVerifies(nodeA.database().dataSource());
    }

    @Test
    void erasingYourselfOrSomeoneNeverStoredIsRefusedBeforeAnyConfirmation() {
        String adminId = apiA.get("/auth/me", admin).json().get("id").asText();
        ApiClient.Response self = apiA.post("/admin/people/" + adminId + "/erase", admin, "");
        assertEquals(409, self.status(), self.body());
        assertTrue(self.body().contains("your own data"), self.body());
        assertEquals(404, apiA.post("/admin/people/99999998/erase", admin, "").status());
        String viewer = apiB.loginNewViewer("people-viewer-" + System.nanoTime());
        assertEquals(403, apiB.get("/admin/people/" + adminId + "/data", viewer).status());
        assertEquals(403, apiB.post("/admin/people/" + adminId + "/erase", viewer, "").status());
    }

    /** Makes a person with a session, and records by and about them written on both nodes. */
    private static Person person(String name, String address) throws Exception {
        String unique = name + System.nanoTime() % 1_000_000;
        String username = unique + ".gdpr";
        String displayName = "Quintessa " + unique + " Marlowe";
        String email = unique + ".q@example.org";
        String userAgent = "Browser-" + unique + "/9.1";
        ApiClient.Response created = apiA.post("/users", admin, "{\"username\":\"" + username + "\",\"displayName\":\"" + displayName
                + "\",\"password\":\"" + TestServers.ADMIN_PASSWORD + "\",\"roles\":[\"viewer\"]}");
        assertEquals(201, created.status(), created.body());
        String id = created.json().get("id").asText();
        Sql.execute(nodeA.database().dataSource(), "UPDATE auth_user SET email = '" + email + "' WHERE id = " + id);
        String token = apiB.login(username, TestServers.ADMIN_PASSWORD);
        AuditEvent.Actor her = AuditEvent.Actor.user(id, username, Set.of(Role.VIEWER), address, userAgent);
        AuditEvent.Actor anAdmin = AuditEvent.Actor.user("1", "admin", Set.of(Role.ADMIN), "192.0.2.1", "console/1.0");
        nodeA.audit().log().appendNow(AuditEvent.auth("auth.login").actor(her));
        nodeB.audit().log().appendNow(AuditEvent.change("user.update", "user", id).actor(anAdmin)
                .change(Map.of("enabled", true), Map.of("enabled", false))
                .personalChange(id, Map.of("displayName", displayName), Map.of("displayName", displayName, "email", email)));
        nodeB.audit().log().submit(AuditEvent.api("GET /api/v1/instances").actor(her).status(200, null));
        assertTrue(nodeB.audit().log().flush(Duration.ofSeconds(10)));
        return new Person(id, username, displayName, email, address, userAgent, token);
    }

    private static JsonNode record(JsonNode data, String action) {
        for (JsonNode record : data.get("records")) {
            if (record.get("action").asText().equals(action)) {
                return record;
            }
        }
        throw new AssertionError("no " + action + " record in " + data.get("records"));
    }

    /** None of the person's strings in any column of any record or key, as text or as bytes. */
    private static void assertNoClearText(DataSource db, Person person, String when) throws Exception {
        for (String personal : person.personalStrings()) {
            String found = Sql.rows(db, "SELECT count(*) FROM audit.record r WHERE strpos(r::text, '" + personal + "') > 0"
                    + " OR position(convert_to('" + personal + "', 'UTF8') IN coalesce(r.actor_personal, ''::bytea)) > 0"
                    + " OR position(convert_to('" + personal + "', 'UTF8') IN coalesce(r.subject_personal, ''::bytea)) > 0").get(0).get(0);
            assertEquals("0", found, "'" + personal + "' in the clear in audit.record " + when);
            assertEquals("0", Sql.rows(db, "SELECT count(*) FROM audit.person_key k WHERE strpos(k::text, '" + personal + "') > 0").get(0).get(0));
        }
    }

    /** Walks the whole chain in seq order: each record chains to its predecessor and hashes to what it says. */
    private static void assertChainVerifies(DataSource db) throws Exception {
        byte[] previous = AuditCanonical.GENESIS;
        long expected = 1;
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT " + StoredRecord.COLUMNS + " FROM audit.record ORDER BY seq"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                StoredRecord r = StoredRecord.read(rs);
                assertEquals(expected++, r.seq(), "no gap");
                assertArrayEquals(previous, r.prevHash(), "record " + r.seq() + " chains to its predecessor");
                assertTrue(r.hashMatches(previous), "record " + r.seq() + " hashes to what it says");
                previous = r.hash();
            }
        }
        assertTrue(expected > 5, "the chain holds the records");
    }
}
