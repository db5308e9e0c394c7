package io.pganalytics.server.auth.mfa;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.ManualClock;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.pganalytics.server.auth.mfa.MfaTesting.PASSWORD;
import static io.pganalytics.server.auth.mfa.MfaTesting.assertError;
import static io.pganalytics.server.auth.mfa.MfaTesting.challengeOf;
import static io.pganalytics.server.auth.mfa.MfaTesting.createUser;
import static io.pganalytics.server.auth.mfa.MfaTesting.enrolTotp;
import static io.pganalytics.server.auth.mfa.MfaTesting.login;
import static io.pganalytics.server.auth.mfa.MfaTesting.tokensOf;
import static io.pganalytics.server.auth.mfa.MfaTesting.totp;
import static io.pganalytics.server.auth.mfa.MfaTesting.verify;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Second factors over real HTTPS on a real node (PostgreSQL, Hazelcast), policy {@code none}: whoever enrolled a factor
 * must use it. The node's clock is a manual one, so that TOTP steps and step-up ages are exact.
 */
class MfaHttpTest {
    /** The RFC 4226 test seed, as a hardware token's seed file gives it (hex). */
    private static final String HOTP_SEED = "3132333435363738393031323334353637383930";
    private static ManualClock clock;
    private static PgAnalyticsServer server;
    private static ApiClient api;

    @BeforeAll
    static void start() {
        // A step's first second: a code of "this step" stays this step's until the test moves the clock.
        long now = System.currentTimeMillis();
        clock = new ManualClock(Instant.ofEpochMilli(now - now % 30_000 + 1_000));
        server = TestServers.start(SharedPostgres.newDatabase("mfa_http"), TestServers.newClusterName(),
                Map.of("auth.login-rate-limit.address-failures-before-delay", "1000"), clock);
        api = new ApiClient(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String admin() {
        return api.loginAdmin();
    }

    /** Moves the clock to the next step's first second. */
    private static void nextStep() {
        long now = clock.millis();
        clock.set(Instant.ofEpochMilli(now - now % 30_000 + 31_000));
    }

    @Test
    void aUserWhoEnrolledTotpMustSignInWithItsCode() {
        String name = createUser(api, admin(), "viewer");
        String token = tokensOf(login(api, name, PASSWORD));
        MfaTesting.Enrolled app = enrolTotp(api, token, clock.instant());
        assertEquals(10, app.backupCodes().size(), app.result().toString());
        assertTrue(app.result().get("tokens").isNull(), "signed in already: no new tokens");

        JsonNode answer = login(api, name, PASSWORD);
        String challenge = challengeOf(answer);
        assertEquals(List.of("totp", "backup-code"), List.of(answer.get("mfa").get("methods").get(0).asText(),
                answer.get("mfa").get("methods").get(1).asText()));
        assertFalse(answer.get("mfa").get("enrolmentRequired").asBoolean());

        ApiClient.Response refused = verify(api, challenge, "totp", totp(app.secret(), clock.instant(), 5));
        assertError(refused, 401, "unauthenticated");
        assertEquals("the code is wrong", refused.json().get("message").asText());
        assertEquals(401, api.get("/auth/me", null).status());

        nextStep();
        ApiClient.Response signedIn = verify(api, challenge, "totp", totp(app.secret(), clock.instant(), 0));
        assertEquals(200, signedIn.status(), signedIn.body());
        String access = signedIn.json().get("accessToken").asText();
        assertEquals(200, api.get("/auth/me", access).status());
        ApiClient.Response status = api.get("/auth/mfa", access);
        assertEquals(200, status.status(), status.body());
        assertTrue(status.json().get("enrolled").asBoolean());
        assertEquals(10, status.json().get("backupCodesRemaining").asInt());
        assertEquals(clock.instant().getEpochSecond(), Instant.parse(status.json().get("secondFactorAt").asText()).getEpochSecond());

        assertError(verify(api, challenge, "totp", totp(app.secret(), clock.instant(), 1)), 401, "unauthenticated");
    }

    @Test
    void aTotpCodeIsAcceptedOnceAndAnEarlierStepsCodeNotAfterIt() {
        String name = createUser(api, admin(), "operator");
        MfaTesting.Enrolled app = enrolTotp(api, tokensOf(login(api, name, PASSWORD)), clock.instant());
        String thisStepsCode = totp(app.secret(), clock.instant(), 0);
        ApiClient.Response sameAsConfirmation = verify(api, challengeOf(login(api, name, PASSWORD)), "totp", thisStepsCode);
        assertError(sameAsConfirmation, 401, "unauthenticated");

        String nextStepsCode = totp(app.secret(), clock.instant(), 1);
        assertEquals(200, verify(api, challengeOf(login(api, name, PASSWORD)), "totp", nextStepsCode).status());
        assertError(verify(api, challengeOf(login(api, name, PASSWORD)), "totp", nextStepsCode), 401, "unauthenticated");
        nextStep();
        assertError(verify(api, challengeOf(login(api, name, PASSWORD)), "totp", nextStepsCode), 401, "unauthenticated");
        nextStep();
        assertEquals(200, verify(api, challengeOf(login(api, name, PASSWORD)), "totp", totp(app.secret(), clock.instant(), 0)).status());
    }

    @Test
    void aBackupCodeWorksOnceThenIsRefused() {
        String name = createUser(api, admin(), "viewer");
        MfaTesting.Enrolled app = enrolTotp(api, tokensOf(login(api, name, PASSWORD)), clock.instant());
        String code = app.backupCodes().getFirst();
        assertTrue(code.matches("[2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]{5}"), code);
        ApiClient.Response first = verify(api, challengeOf(login(api, name, PASSWORD)), "backup-code", code);
        assertEquals(200, first.status(), first.body());
        assertError(verify(api, challengeOf(login(api, name, PASSWORD)), "backup-code", code), 401, "unauthenticated");
        String typedLoosely = app.backupCodes().get(1).replace("-", "").toLowerCase();
        ApiClient.Response second = verify(api, challengeOf(login(api, name, PASSWORD)), "backup-code", typedLoosely);
        assertEquals(200, second.status(), second.body());
        assertEquals(8, api.get("/auth/mfa", second.json().get("accessToken").asText()).json().get("backupCodesRemaining").asInt());
        assertEquals(0, server.database().ebean().sqlQuery("SELECT count(*) FROM auth_mfa_backup_code WHERE encode(code_hash, 'escape') LIKE ?")
                .setParameter(1, "%" + code.substring(0, 5) + "%").mapToScalar(Long.class).findOne(), "only hashes are stored");
    }

    @Test
    void aHardwareTokenSignsInWithinTheLookAheadWindowAndResynchronisesWithTwoCodes() {
        String name = createUser(api, admin(), "viewer");
        String token = tokensOf(login(api, name, PASSWORD));
        ApiClient.Response registered = api.post("/auth/mfa/hotp", token,
                "{\"secret\":\"" + HOTP_SEED + "\",\"code\":\"" + MfaTesting.hotp(HOTP_SEED, 3) + "\"}");
        assertEquals(200, registered.status(), registered.body());
        assertEquals(10, registered.json().get("backupCodes").size());
        // The counter is now 4: counters 4 to 13 are within the look-ahead of 10.
        JsonNode answer = login(api, name, PASSWORD);
        assertEquals("hotp", answer.get("mfa").get("methods").get(0).asText());
        assertError(verify(api, challengeOf(answer), "hotp", MfaTesting.hotp(HOTP_SEED, 3)), 401, "unauthenticated");
        ApiClient.Response signedIn = verify(api, challengeOf(login(api, name, PASSWORD)), "hotp", MfaTesting.hotp(HOTP_SEED, 13));
        assertEquals(200, signedIn.status(), signedIn.body());
        // The counter is now 14; the token was pressed 20 times away from the server: 34 is past 14 + 10.
        assertError(verify(api, challengeOf(login(api, name, PASSWORD)), "hotp", MfaTesting.hotp(HOTP_SEED, 34)), 401, "unauthenticated");

        String access = signedIn.json().get("accessToken").asText();
        ApiClient.Response farApart = api.post("/auth/mfa/hotp/resync", access,
                "{\"code\":\"" + MfaTesting.hotp(HOTP_SEED, 35) + "\",\"nextCode\":\"" + MfaTesting.hotp(HOTP_SEED, 37) + "\"}");
        assertError(farApart, 400, "validation_failed");
        ApiClient.Response resynced = api.post("/auth/mfa/hotp/resync", access,
                "{\"code\":\"" + MfaTesting.hotp(HOTP_SEED, 35) + "\",\"nextCode\":\"" + MfaTesting.hotp(HOTP_SEED, 36) + "\"}");
        assertEquals(200, resynced.status(), resynced.body());
        assertError(verify(api, challengeOf(login(api, name, PASSWORD)), "hotp", MfaTesting.hotp(HOTP_SEED, 36)), 401, "unauthenticated");
        assertEquals(200, verify(api, challengeOf(login(api, name, PASSWORD)), "hotp", MfaTesting.hotp(HOTP_SEED, 37)).status());
        ApiClient.Response beyondWindow = api.post("/auth/mfa/hotp/resync", access,
                "{\"code\":\"" + MfaTesting.hotp(HOTP_SEED, 38 + 100) + "\",\"nextCode\":\"" + MfaTesting.hotp(HOTP_SEED, 39 + 100) + "\"}");
        assertError(beyondWindow, 400, "validation_failed");
    }

    @Test
    void wrongCodesAreThrottledAndTheChallengeDiesAfterFive() {
        String name = createUser(api, admin(), "viewer");
        MfaTesting.Enrolled app = enrolTotp(api, tokensOf(login(api, name, PASSWORD)), clock.instant());
        nextStep();
        String challenge = challengeOf(login(api, name, PASSWORD));
        for (int i = 0; i < 5; i++) {
            assertError(verify(api, challenge, "totp", String.format("%06d", i)), 401, "unauthenticated");
        }
        ApiClient.Response dead = verify(api, challenge, "totp", totp(app.secret(), clock.instant(), 0));
        assertError(dead, 401, "unauthenticated");
        assertTrue(dead.json().get("message").asText().contains("sign in again"), dead.body());

        ApiClient.Response blocked = api.post("/auth/login", null, "{\"username\":\"" + name + "\",\"password\":\"" + PASSWORD + "\"}");
        assertError(blocked, 429, "rate_limited");
        clock.advance(Duration.ofSeconds(2));
        String again = challengeOf(login(api, name, PASSWORD));
        assertError(verify(api, again, "totp", "000000"), 401, "unauthenticated");
        // A right password does not clear the count of wrong codes: the right code waits its turn too.
        ApiClient.Response waiting = verify(api, again, "totp", totp(app.secret(), clock.instant(), 0));
        assertError(waiting, 429, "rate_limited");
        assertTrue(waiting.header("Retry-After").isPresent());
        clock.advance(Duration.ofSeconds(5));
        assertEquals(200, verify(api, again, "totp", totp(app.secret(), clock.instant(), 0)).status());
    }

    @Test
    void changingUsersNeedsAFreshSecondFactorOnceTheAdminHasOne() {
        String adminName = createUser(api, admin(), "admin");
        String stale = tokensOf(login(api, adminName, PASSWORD));
        assertEquals(201, api.post("/users", stale, "{\"username\":\"su-" + System.nanoTime() + "\",\"password\":\"" + PASSWORD
                + "\",\"roles\":[\"viewer\"]}").status(), "no factor, policy none: no step-up");
        MfaTesting.Enrolled app = enrolTotp(api, stale, clock.instant());

        ApiClient.Response refused = api.post("/users", stale, "{\"username\":\"su-" + System.nanoTime() + "\",\"password\":\""
                + PASSWORD + "\",\"roles\":[\"viewer\"]}");
        assertError(refused, 403, "step_up_required");
        String victim = createUser(api, admin(), "viewer");
        long victimId = MfaTesting.userId(api, tokensOf(login(api, victim, PASSWORD)));
        assertError(api.patch("/users/" + victimId, stale, "{\"enabled\":false}"), 403, "step_up_required");
        assertError(api.delete("/users/" + victimId, stale), 403, "step_up_required");
        assertError(api.delete("/admin/users/" + victimId + "/mfa", stale), 403, "step_up_required");
        String provider = "su-oidc-" + (System.nanoTime() % 100_000);
        String definition = "{\"name\":\"" + provider + "\",\"kind\":\"oidc\",\"enabled\":false,\"settings\":{\"issuer\":"
                + "\"https://idp.example.com/realms/x\",\"clientId\":\"pga\"},\"roleMapping\":{\"rules\":[],\"defaultRole\":\"viewer\"}}";
        assertError(api.post("/admin/identity-providers", stale, definition), 403, "step_up_required");
        assertEquals(404, api.get("/admin/identity-providers/" + provider, stale).status(), "a refused change changes nothing");
        // a change is checked before it is confirmed (and its second factor asked for): there is nothing to change
        assertError(api.put("/admin/identity-providers/" + provider, stale, definition), 404, "not_found");
        assertError(api.delete("/admin/identity-providers/" + provider, stale), 404, "not_found");
        assertError(api.post("/auth/mfa/step-up", stale, "{\"method\":\"totp\",\"code\":\"000000\"}"), 403, "forbidden");

        ApiClient.Response steppedUp = api.post("/auth/mfa/step-up", stale,
                "{\"method\":\"totp\",\"code\":\"" + totp(app.secret(), clock.instant(), 1) + "\"}");
        assertEquals(200, steppedUp.status(), steppedUp.body());
        assertTrue(steppedUp.json().get("refreshToken").isNull(), "the session keeps its refresh token");
        String fresh = steppedUp.json().get("accessToken").asText();
        assertEquals(200, api.patch("/users/" + victimId, fresh, "{\"enabled\":false}").status());
        ApiClient.Response created = api.post("/admin/identity-providers", fresh, definition);
        assertEquals(201, created.status(), created.body());
        clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        assertError(api.delete("/users/" + victimId, fresh), 403, "step_up_required");
    }

    @Test
    void anAdminResetRemovesTheFactorsAndEndsTheSessions() {
        String name = createUser(api, admin(), "viewer");
        MfaTesting.Enrolled app = enrolTotp(api, tokensOf(login(api, name, PASSWORD)), clock.instant());
        ApiClient.Response signedIn = verify(api, challengeOf(login(api, name, PASSWORD)), "totp", totp(app.secret(), clock.instant(), 1));
        assertEquals(200, signedIn.status(), signedIn.body());
        String access = signedIn.json().get("accessToken").asText();
        long id = MfaTesting.userId(api, access);
        assertError(api.delete("/admin/users/" + id + "/mfa", access), 403, "forbidden");

        ApiClient.Response reset = api.delete("/admin/users/" + id + "/mfa", admin());
        assertEquals(204, reset.status(), reset.body());
        assertError(api.get("/auth/me", access), 401, "unauthenticated");
        assertError(api.post("/auth/refresh", null, "{\"refreshToken\":\"" + signedIn.json().get("refreshToken").asText() + "\"}"),
                401, "unauthenticated");
        String after = tokensOf(login(api, name, PASSWORD));
        assertFalse(api.get("/auth/mfa", after).json().get("enrolled").asBoolean());
        assertError(api.delete("/admin/users/99999999/mfa", admin()), 404, "not_found");
    }

    @Test
    void aChallengeCannotBeUsedToEnrolAroundAnEnrolledFactor() {
        String name = createUser(api, admin(), "viewer");
        enrolTotp(api, tokensOf(login(api, name, PASSWORD)), clock.instant());
        String challenge = challengeOf(login(api, name, PASSWORD));
        assertError(api.post("/auth/mfa/totp", null, "{\"challenge\":\"" + challenge + "\"}"), 409, "conflict");
        assertError(api.post("/auth/mfa/hotp", null, "{\"secret\":\"" + HOTP_SEED + "\",\"code\":\"" + MfaTesting.hotp(HOTP_SEED, 0)
                + "\",\"challenge\":\"" + challenge + "\"}"), 409, "conflict");
        assertError(api.post("/auth/mfa/totp", null, "{}"), 401, "unauthenticated");
        assertError(verify(api, "not-a-challenge", "totp", "123456"), 401, "unauthenticated");
        assertError(verify(api, challenge, "sms", "123456"), 400, "validation_failed");
    }

    @Test
    void replacingAnEnrolledFactorNeedsStepUp() {
        String name = createUser(api, admin(), "viewer");
        String token = tokensOf(login(api, name, PASSWORD));
        enrolTotp(api, token, clock.instant());
        assertError(api.post("/auth/mfa/totp", token, "{}"), 403, "step_up_required");
        assertError(api.post("/auth/mfa/backup-codes", token, ""), 403, "step_up_required");
    }
}
