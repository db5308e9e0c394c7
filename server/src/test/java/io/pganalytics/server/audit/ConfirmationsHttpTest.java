package io.pganalytics.server.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.ManualClock;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.Sql;
import io.pganalytics.server.testing.TestServers;
import io.pganalytics.server.testing.Totp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The two-step confirmation of admin actions over real HTTPS on a real node: the 428 and its token, the single use, the
 * binding to person, method, path and body, the expiry, the second factor owed where MFA is on, and both steps audited.
 * The node's clock is a manual one, so that expiry and TOTP steps are exact.
 */
class ConfirmationsHttpTest {
    private static final String PASSWORD = TestServers.ADMIN_PASSWORD;
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static ManualClock clock;
    private static PgAnalyticsServer server;
    private static ApiClient api;

    @BeforeAll
    static void start() {
        long now = System.currentTimeMillis();
        // a TOTP step's first second: a code of "this step" stays good until the test moves the clock
        clock = new ManualClock(Instant.ofEpochMilli(now - now % 30_000 + 1_000));
        server = TestServers.start(SharedPostgres.newDatabase("confirmations"), TestServers.newClusterName(),
                Map.of("auth.login-rate-limit.address-failures-before-delay", "1000"), clock);
        api = new ApiClient(server).withoutConfirming();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aDeleteAnswers428WithATokenThenSucceedsOnceWithItAndTheTokenCannotBeUsedAgain() {
        String admin = api.loginAdmin();
        long victim = createUser(admin, "viewer");

        ApiClient.Response first = api.delete("/users/" + victim, admin);
        JsonNode confirmation = confirmation(first);
        assertEquals("user.delete", confirmation.get("action").asText());
        assertTrue(confirmation.get("summary").asText().contains("Delete user " + victim), confirmation.toString());
        assertFalse(confirmation.get("secondFactorNeeded").asBoolean(), "the bootstrap admin has no second factor");
        Instant expires = Instant.parse(confirmation.get("expiresAt").asText());
        assertEquals(clock.instant().plus(Duration.ofMinutes(2)).getEpochSecond(), expires.getEpochSecond(), "audit.confirmation-ttl");
        assertEquals(200, api.get("/users/" + victim, admin).status(), "the first step changes nothing");

        String token = confirmation.get("token").asText();
        ApiClient.Response confirmed = send(api.request("/users/" + victim, admin).DELETE(), token);
        assertEquals(204, confirmed.status(), confirmed.body());
        assertEquals(404, api.get("/users/" + victim, admin).status());

        long other = createUser(admin, "viewer");
        ApiClient.Response reused = send(api.request("/users/" + other, admin).DELETE(), token);
        JsonNode again = confirmation(reused);
        assertNotEquals(token, again.get("token").asText(), "a refused token brings a new one");
        assertTrue(again.get("summary").asText().startsWith("The confirmation sent was not accepted"), again.toString());
        assertEquals(200, api.get("/users/" + other, admin).status(), "a used token changes nothing");
    }

    @Test
    void aTokenIsRefusedForAnotherBodyAnotherPathAnotherPersonAndOnceExpired() {
        String admin = api.loginAdmin();
        long target = createUser(admin, "viewer");
        long elsewhere = createUser(admin, "viewer");
        String roles = "{\"roles\":[\"operator\"]}";
        String token = confirmation(api.patch("/users/" + target, admin, roles)).get("token").asText();

        assertRefused(send(patch("/users/" + target, admin, "{\"roles\":[\"admin\"]}"), token), "another body");
        token = confirmation(api.patch("/users/" + target, admin, roles)).get("token").asText();
        assertRefused(send(patch("/users/" + elsewhere, admin, roles), token), "another path");
        token = confirmation(api.patch("/users/" + target, admin, roles)).get("token").asText();
        String otherAdminName = "conf-admin-" + NAMES.incrementAndGet() + "-" + System.nanoTime() % 100_000;
        createUser(admin, otherAdminName, "admin");
        String otherAdmin = api.login(otherAdminName, PASSWORD);
        assertRefused(send(patch("/users/" + target, otherAdmin, roles), token), "another person");
        token = confirmation(api.patch("/users/" + target, admin, roles)).get("token").asText();
        clock.advance(Duration.ofMinutes(2).plusSeconds(1));
        assertRefused(send(patch("/users/" + target, admin, roles), token), "expired");
        assertEquals("[\"viewer\"]", api.get("/users/" + target, admin).json().get("roles").toString(), "nothing changed");

        token = confirmation(api.patch("/users/" + target, admin, roles)).get("token").asText();
        ApiClient.Response done = send(patch("/users/" + target, admin, roles), token);
        assertEquals(200, done.status(), done.body());
        assertEquals("[\"operator\"]", done.json().get("roles").toString());
        assertEquals(200, api.patch("/users/" + target, admin, "{\"displayName\":\"Renamed\"}").status(),
                "a change of neither roles nor enabled needs no confirmation");
    }

    @Test
    void withMfaAValidTokenOwesAFreshSecondFactorAndTheSameTokenWorksAfterStepUp() {
        String bootstrap = api.loginAdmin();
        String name = "conf-mfa-" + NAMES.incrementAndGet() + "-" + System.nanoTime() % 100_000;
        createUser(bootstrap, name, "admin");
        String stale = api.login(name, PASSWORD);
        String secret = Totp.enrol(api, stale, clock.instant());
        long victim = createUser(bootstrap, "viewer");

        JsonNode confirmation = confirmation(api.delete("/users/" + victim, stale));
        assertTrue(confirmation.get("secondFactorNeeded").asBoolean(), confirmation.toString());
        String token = confirmation.get("token").asText();
        ApiClient.Response owed = send(api.request("/users/" + victim, stale).DELETE(), token);
        assertEquals(403, owed.status(), owed.body());
        assertEquals("step_up_required", owed.json().get("errorType").asText());
        assertEquals(200, api.get("/users/" + victim, bootstrap).status(), "nothing changed");

        ApiClient.Response steppedUp = api.post("/auth/mfa/step-up", stale,
                "{\"method\":\"totp\",\"code\":\"" + Totp.code(secret, clock.instant(), 1) + "\"}");
        assertEquals(200, steppedUp.status(), steppedUp.body());
        String fresh = steppedUp.json().get("accessToken").asText();
        ApiClient.Response done = send(api.request("/users/" + victim, fresh).DELETE(), token);
        assertEquals(204, done.status(), done.body());
        assertEquals(404, api.get("/users/" + victim, bootstrap).status());
    }

    @Test
    void bothStepsAreAuditedAndLinkedByTheConfirmationsReference() throws Exception {
        String admin = api.loginAdmin();
        long victim = createUser(admin, "viewer");
        String token = confirmation(api.patch("/users/" + victim, admin, "{\"enabled\":false}")).get("token").asText();
        assertEquals(200, send(patch("/users/" + victim, admin, "{\"enabled\":false}"), token).status());
        assertTrue(server.audit().log().flush(Duration.ofSeconds(10)));

        List<List<String>> requested = Sql.rows(server.database().dataSource(), "SELECT details::jsonb ->> 'confirmation', outcome"
                + " FROM audit.record WHERE action = 'confirmation.requested' AND details::jsonb ->> 'action' = 'user.update'"
                + " AND details::jsonb ->> 'summary' LIKE 'Disable user " + victim + " %' ORDER BY seq");
        assertEquals(1, requested.size(), requested.toString());
        assertEquals("success", requested.get(0).get(1));
        List<List<String>> accepted = Sql.rows(server.database().dataSource(), "SELECT actor_id FROM audit.record"
                + " WHERE action = 'confirmation.accepted' AND details::jsonb ->> 'confirmation' = '" + requested.get(0).get(0) + "'");
        assertEquals(1, accepted.size(), "the acceptance carries the request's reference");
        List<List<String>> change = Sql.rows(server.database().dataSource(), "SELECT details::jsonb -> 'after' ->> 'enabled'"
                + " FROM audit.record WHERE action = 'user.update' AND resource_id = '" + victim + "'");
        assertEquals(List.of(List.of("false")), change);
        assertFalse(Sql.rows(server.database().dataSource(), "SELECT 1 FROM audit.record WHERE details LIKE '%" + token + "%'")
                .iterator().hasNext(), "the token itself is never recorded");
    }

    private static void assertRefused(ApiClient.Response response, String why) {
        JsonNode confirmation = confirmation(response);
        assertTrue(confirmation.get("summary").asText().startsWith("The confirmation sent was not accepted"), why + ": " + confirmation);
    }

    private static JsonNode confirmation(ApiClient.Response response) {
        assertEquals(428, response.status(), response.body());
        assertEquals("confirmation_required", response.json().get("errorType").asText(), response.body());
        JsonNode confirmation = response.json().get("confirmation");
        assertFalse(confirmation.get("token").asText().isEmpty(), response.body());
        return confirmation;
    }

    private static HttpRequest.Builder patch(String path, String token, String json) {
        return api.request(path, token).header("Content-Type", "application/json").method("PATCH", HttpRequest.BodyPublishers.ofString(json));
    }

    private static ApiClient.Response send(HttpRequest.Builder request, String confirmationToken) {
        return api.send(request.header("X-Confirmation", confirmationToken).build());
    }

    private static long createUser(String admin, String role) {
        return createUser(admin, "conf-" + role + "-" + NAMES.incrementAndGet() + "-" + System.nanoTime() % 100_000, role);
    }

    private static long createUser(String admin, String name, String role) {
        ApiClient.Response created = api.post("/users", admin,
                "{\"username\":\"" + name + "\",\"password\":\"" + PASSWORD + "\",\"roles\":[\"" + role + "\"]}");
        assertEquals(201, created.status(), created.body());
        return created.json().get("id").asLong();
    }
}
