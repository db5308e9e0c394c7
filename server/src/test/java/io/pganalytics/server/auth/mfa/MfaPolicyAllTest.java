package io.pganalytics.server.auth.mfa;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static io.pganalytics.server.auth.mfa.MfaTesting.assertError;
import static io.pganalytics.server.auth.mfa.MfaTesting.challengeOf;
import static io.pganalytics.server.auth.mfa.MfaTesting.login;
import static io.pganalytics.server.auth.mfa.MfaTesting.totp;
import static io.pganalytics.server.auth.mfa.MfaTesting.verify;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code auth.mfa.required: all} on a fresh node: the bootstrap admin enrols at their first sign-in and is let in. */
class MfaPolicyAllTest {
    private static PgAnalyticsServer server;
    private static ApiClient api;

    @BeforeAll
    static void start() {
        server = TestServers.start(SharedPostgres.newDatabase("mfa_policy_all"), TestServers.newClusterName(),
                Map.of("auth.mfa.required", "all", "auth.mfa.issuer", "ACME pgAnalytics"));
        api = new ApiClient(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theBootstrapAdminEnrolsAtFirstSignInAndIsLetIn() {
        JsonNode answer = login(api, "admin", TestServers.ADMIN_PASSWORD);
        String challenge = challengeOf(answer);
        assertTrue(answer.get("mfa").get("enrolmentRequired").asBoolean(), answer.toString());
        assertError(verify(api, challenge, "totp", "123456"), 409, "conflict");

        ApiClient.Response started = api.post("/auth/mfa/totp", null, "{\"challenge\":\"" + challenge + "\"}");
        assertEquals(200, started.status(), started.body());
        String secret = started.json().get("secret").asText();
        assertTrue(started.json().get("otpauthUri").asText().startsWith("otpauth://totp/ACME%20pgAnalytics:admin?secret=" + secret
                + "&issuer=ACME%20pgAnalytics&algorithm=SHA1&digits=6&period=30"), started.body());
        String enrolment = started.json().get("enrolmentId").asText();
        assertError(api.post("/auth/mfa/totp/confirm", null, "{\"enrolmentId\":\"" + enrolment + "\",\"code\":\""
                + totp(secret, Instant.now(), 10) + "\",\"challenge\":\"" + challenge + "\"}"), 400, "validation_failed");

        ApiClient.Response confirmed = api.post("/auth/mfa/totp/confirm", null, "{\"enrolmentId\":\"" + enrolment + "\",\"code\":\""
                + totp(secret, Instant.now(), 0) + "\",\"challenge\":\"" + challenge + "\"}");
        assertEquals(200, confirmed.status(), confirmed.body());
        assertEquals(10, confirmed.json().get("backupCodes").size());
        String access = confirmed.json().get("tokens").get("accessToken").asText();
        assertEquals("admin", api.get("/auth/me", access).json().get("username").asText());
        assertEquals(201, api.post("/users", access, "{\"username\":\"after-enrolment\",\"password\":\"" + MfaTesting.PASSWORD
                + "\",\"roles\":[\"viewer\"]}").status(), "the enrolment's code is a fresh second factor");
        assertError(verify(api, challenge, "totp", totp(secret, Instant.now(), 1)), 401, "unauthenticated");

        JsonNode next = login(api, "admin", TestServers.ADMIN_PASSWORD);
        assertFalse(next.get("mfa").get("enrolmentRequired").asBoolean(), next.toString());
        String backup = confirmed.json().get("backupCodes").get(0).asText();
        assertEquals(200, verify(api, challengeOf(next), "backup-code", backup).status());

        JsonNode viewer = login(api, "after-enrolment", MfaTesting.PASSWORD);
        assertTrue(viewer.get("mfa").get("enrolmentRequired").asBoolean(), "everyone else too: " + viewer);
    }
}
