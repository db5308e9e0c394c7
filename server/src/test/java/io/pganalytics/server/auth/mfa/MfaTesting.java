package io.pganalytics.server.auth.mfa;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.server.testing.ApiClient;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the MFA tests do over HTTP: create people, sign in, enrol, compute the codes an authenticator app would show. */
final class MfaTesting {
    static final String PASSWORD = "a long enough password";
    private static final AtomicInteger NAMES = new AtomicInteger();

    private MfaTesting() {
    }

    static String createUser(ApiClient api, String adminToken, String role) {
        String name = "mfa-" + role + "-" + NAMES.incrementAndGet() + "-" + System.nanoTime() % 100_000;
        ApiClient.Response created = api.post("/users", adminToken,
                "{\"username\":\"" + name + "\",\"password\":\"" + PASSWORD + "\",\"roles\":[\"" + role + "\"]}");
        assertEquals(201, created.status(), created.body());
        return name;
    }

    static long userId(ApiClient api, String token) {
        ApiClient.Response me = api.get("/auth/me", token);
        assertEquals(200, me.status(), me.body());
        return me.json().get("id").asLong();
    }

    /** The password step of a sign-in: its whole answer (tokens, or a challenge). */
    static JsonNode login(ApiClient api, String name, String password) {
        ApiClient.Response response = api.post("/auth/login", null,
                "{\"username\":\"" + name + "\",\"password\":\"" + password + "\"}");
        assertEquals(200, response.status(), response.body());
        return response.json();
    }

    static String tokensOf(JsonNode answer) {
        assertTrue(answer.get("mfa") == null || answer.get("mfa").isNull(), "no challenge: " + answer);
        String token = answer.get("accessToken").asText();
        assertFalse(token.isEmpty());
        return token;
    }

    /** The challenge id of a sign-in that owes a second factor (and checks it holds no tokens). */
    static String challengeOf(JsonNode answer) {
        JsonNode mfa = answer.get("mfa");
        assertNotNull(mfa, "a challenge: " + answer);
        assertFalse(mfa.isNull(), "a challenge: " + answer);
        assertTrue(answer.get("accessToken") == null || answer.get("accessToken").isNull(), "no tokens yet: " + answer);
        assertTrue(answer.get("refreshToken") == null || answer.get("refreshToken").isNull(), "no tokens yet: " + answer);
        return mfa.get("challenge").asText();
    }

    static ApiClient.Response verify(ApiClient api, String challenge, String method, String code) {
        return api.post("/auth/mfa/verify", null,
                "{\"challenge\":\"" + challenge + "\",\"method\":\"" + method + "\",\"code\":\"" + code + "\"}");
    }

    /** An authenticator app's code for the step {@code offset} steps from {@code now}. */
    static String totp(String base32Secret, Instant now, int offset) {
        byte[] secret = OneTimePasswords.fromBase32(base32Secret).orElseThrow();
        return OneTimePasswords.totp(secret, OneTimePasswords.step(now.toEpochMilli(), 30) + offset, 6, OneTimePasswords.HMAC_SHA1);
    }

    static String hotp(String hexSecret, long counter) {
        return OneTimePasswords.hotp(OneTimePasswords.fromHex(hexSecret).orElseThrow(), counter, 6, OneTimePasswords.HMAC_SHA1);
    }

    /** An enrolled authenticator app: its secret and the backup codes shown once. */
    record Enrolled(String secret, List<String> backupCodes, JsonNode result) {
    }

    /** Enrols TOTP with a signed-in token, confirming with the code of the current step. */
    static Enrolled enrolTotp(ApiClient api, String token, Instant now) {
        ApiClient.Response started = api.post("/auth/mfa/totp", token, "{}");
        assertEquals(200, started.status(), started.body());
        String secret = started.json().get("secret").asText();
        assertTrue(started.json().get("otpauthUri").asText().startsWith("otpauth://totp/"), started.body());
        ApiClient.Response confirmed = api.post("/auth/mfa/totp/confirm", token, "{\"enrolmentId\":\""
                + started.json().get("enrolmentId").asText() + "\",\"code\":\"" + totp(secret, now, 0) + "\"}");
        assertEquals(200, confirmed.status(), confirmed.body());
        List<String> codes = new ArrayList<>();
        confirmed.json().get("backupCodes").forEach(code -> codes.add(code.asText()));
        return new Enrolled(secret, codes, confirmed.json());
    }

    static void assertError(ApiClient.Response response, int status, String errorType) {
        assertEquals(status, response.status(), response.body());
        assertEquals(errorType, response.json().get("errorType").asText(), response.body());
    }
}
