package io.pganalytics.server.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.common.auth.Role;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code GET /api/v1/audit} over real HTTP: each filter, paging, polling, access and bad parameters. */
class AuditSearchHttpTest {
    private static PgAnalyticsServer server;
    private static ApiClient api;
    private static String auditor;
    private static String aliceId;

    @BeforeAll
    static void start() {
        server = TestServers.start(SharedPostgres.newDatabase("audit_search"), TestServers.newClusterName(), Map.of());
        api = new ApiClient(server);
        String admin = api.loginAdmin();
        ApiClient.Response created = api.post("/users", admin, "{\"username\":\"alice.auditor\",\"password\":\""
                + TestServers.ADMIN_PASSWORD + "\",\"roles\":[\"auditor\"]}");
        assertEquals(201, created.status(), created.body());
        aliceId = created.json().get("id").asText();
        auditor = api.login("alice.auditor", TestServers.ADMIN_PASSWORD);
        AuditLog log = server.audit().log();
        AuditEvent.Actor alice = AuditEvent.Actor.user(aliceId, "alice.auditor", Set.of(Role.AUDITOR), "192.0.2.7", "test-agent");
        for (int i = 0; i < 5; i++) {
            log.appendNow(AuditEvent.change("search.thing.update", "thing", "t" + i).actor(alice).change(Map.of("n", i), Map.of("n", i + 1)));
        }
        log.appendNow(AuditEvent.change("search.thing.delete", "thing", "t9").outcome(AuditEvent.Outcome.DENIED).detail("why", "100%_done"));
        log.appendNow(AuditEvent.change("search.thing.delete", "thing", "t8").outcome(AuditEvent.Outcome.DENIED).detail("why", "100xxdone"));
        log.appendNow(AuditEvent.system("search.system.job").detail("note", "nothing"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void anAuditorFiltersByActorNameActionPrefixResourceAndOutcome() {
        JsonNode byName = page("actor=alice.auditor&action=search.*");
        assertEquals(5, byName.get("records").size(), byName.toString());
        for (JsonNode r : byName.get("records")) {
            assertEquals(aliceId, r.get("actor").get("id").asText());
            assertEquals("alice.auditor", r.get("actor").get("name").asText(), "the sealed name is opened for the auditor");
        }
        assertEquals(5, page("actor=" + aliceId + "&action=search.thing.update").get("records").size(), "by id as well");
        assertEquals(2, page("action=search.thing.delete&outcome=denied").get("records").size());
        assertEquals(0, page("action=search.thing&outcome=denied").get("records").size(), "exact unless it ends with *");
        JsonNode one = page("resourceType=thing&resourceId=t3");
        assertEquals(1, one.get("records").size());
        assertEquals("change", one.get("records").get(0).get("category").asText());
        assertEquals(3, one.get("records").get(0).get("before").get("n").asInt());
        assertEquals(1, page("category=system&action=search.*").get("records").size());
        String node = page("action=search.*&limit=1").get("records").get(0).get("node").asText();
        assertEquals(8, page("action=search.*&node=" + encode(node)).get("records").size());
        assertEquals(0, page("action=search.*&node=no-such-node").get("records").size());
    }

    @Test
    void freeTextIsTakenLiterallyNotAsAPattern() {
        JsonNode literal = page("q=" + encode("100%_done"));
        assertEquals(1, literal.get("records").size(), literal.toString());
        assertEquals("t9", literal.get("records").get(0).get("resourceId").asText());
        assertEquals(2, page("q=" + encode("SEARCH.THING.DELETE")).get("records").size(), "case-insensitive over the action");
        assertEquals(0, page("q=" + encode("'; DROP TABLE audit.record; --")).get("records").size());
    }

    @Test
    void pagesGoNewestFirstWithoutGapsAndPollingGetsWhatCameSince() {
        List<Long> seen = new ArrayList<>();
        String cursor = "";
        for (int pages = 0; pages < 10; pages++) {
            JsonNode page = page("action=search.*&limit=3" + cursor);
            page.get("records").forEach(r -> seen.add(r.get("seq").asLong()));
            if (page.get("nextBefore").isNull()) {
                break;
            }
            cursor = "&beforeSeq=" + page.get("nextBefore").asLong();
        }
        assertEquals(8, seen.size(), seen.toString());
        assertEquals(8, new HashSet<>(seen).size());
        for (int i = 1; i < seen.size(); i++) {
            assertTrue(seen.get(i - 1) > seen.get(i), "newest first: " + seen);
        }
        long head = page("limit=1").get("headSeq").asLong();
        for (int i = 0; i < 4; i++) {
            server.audit().log().appendNow(AuditEvent.system("polled.event").detail("i", i));
        }
        JsonNode first = page("action=polled.event&limit=3&afterSeq=" + head);
        assertEquals(3, first.get("records").size());
        JsonNode second = page("action=polled.event&limit=3&afterSeq=" + first.get("headSeq").asLong());
        assertEquals(1, second.get("records").size(), "the poll continues where the full page stopped: " + second);
        Set<Integer> polled = new HashSet<>();
        first.get("records").forEach(r -> polled.add(r.get("details").get("i").asInt()));
        second.get("records").forEach(r -> polled.add(r.get("details").get("i").asInt()));
        assertEquals(Set.of(0, 1, 2, 3), polled);
        assertTrue(first.get("records").get(0).get("seq").asLong() > first.get("records").get(2).get("seq").asLong(), "newest first");
    }

    @Test
    void timeRangeSelectsRecordsByTheirTime() {
        assertEquals(8, page("action=search.*&from=2000-01-01T00:00:00Z&to=2999-01-01T00:00:00%2B01:00").get("records").size());
        assertEquals(0, page("action=search.*&to=2000-01-01T00:00:00Z").get("records").size());
    }

    @Test
    void badParametersAre400NamingTheField() {
        for (String[] bad : new String[][]{{"limit=501", "limit"}, {"limit=0", "limit"}, {"category=secret", "category"},
                {"outcome=maybe", "outcome"}, {"from=yesterday", "from"}, {"beforeSeq=-1", "beforeSeq"}, {"afterSeq=x", "afterSeq"},
                {"q=" + "a".repeat(201), "q"}, {"from=2026-12-07T00:00:00Z&to=2026-12-06T00:00:00Z", "to"}}) {
            ApiClient.Response response = api.get("/audit?" + bad[0], auditor);
            assertEquals(400, response.status(), bad[0] + ": " + response.body());
            assertEquals(bad[1], response.json().get("details").get(0).get("field").asText(), bad[0]);
        }
    }

    @Test
    void viewersAreRefusedAndAnonymousCallersMustSignIn() {
        String viewer = api.loginNewViewer("search.viewer");
        assertEquals(403, api.get("/audit", viewer).status());
        assertEquals(401, api.get("/audit", null).status());
        assertEquals(200, api.get("/audit", api.loginAdmin()).status(), "admins read the audit too");
    }

    private static JsonNode page(String query) {
        ApiClient.Response response = api.get("/audit?" + query, auditor);
        assertEquals(200, response.status(), query + ": " + response.body());
        assertFalse(response.json().get("records") == null, response.body());
        return response.json();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
