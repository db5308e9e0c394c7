package io.pganalytics.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The auth and users routes over real HTTPS, on a real server node. */
class AuthHttpTest {
    private static final String PASSWORD = "a long enough password";
    private static PgAnalyticsServer server;
    private static ApiClient api;
    private static String admin;

    @BeforeAll
    static void start() {
        server = TestServers.start("auth_http");
        api = new ApiClient(server);
        admin = api.loginAdmin();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String createUser(String role) {
        String name = AuthTesting.uniqueName(role);
        ApiClient.Response created = api.post("/users", admin,
                "{\"username\":\"" + name + "\",\"password\":\"" + PASSWORD + "\",\"roles\":[\"" + role + "\"]}");
        assertEquals(201, created.status(), created.body());
        return name;
    }

    private static JsonNode login(String name, String password) {
        ApiClient.Response response = api.post("/auth/login", null,
                "{\"username\":\"" + name + "\",\"password\":\"" + password + "\"}");
        assertEquals(200, response.status(), response.body());
        return response.json();
    }

    private static void assertEnvelope(ApiClient.Response response, int status, String errorType) {
        assertEquals(status, response.status(), response.body());
        JsonNode body = response.json();
        assertEquals(status, body.get("status").asInt(), response.body());
        assertEquals(errorType, body.get("errorType").asText(), response.body());
        assertFalse(body.get("message").asText().isBlank());
    }

    private static long userCount() throws SQLException {
        try (Connection c = server.database().dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM auth_user")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void loginReturnsTokensAndMeAnswersWithTheAccessToken() {
        JsonNode tokens = login("admin", TestServers.ADMIN_PASSWORD);
        assertEquals("Bearer", tokens.get("tokenType").asText());
        assertEquals(3, tokens.get("accessToken").asText().split("\\.").length, "a JWS");
        assertFalse(tokens.get("refreshToken").asText().isEmpty());
        assertTrue(tokens.get("accessTokenExpiresAt").isTextual(), "ISO-8601 instants");
        ApiClient.Response me = api.get("/auth/me", tokens.get("accessToken").asText());
        assertEquals(200, me.status(), me.body());
        assertEquals("admin", me.json().get("username").asText());
        assertEquals(List.of("admin"), List.of(me.json().get("roles").get(0).asText()));
        assertFalse(me.body().contains("argon2"), "no hash in a view");
    }

    @Test
    void aWrongPasswordGets401InTheEnvelope() {
        ApiClient.Response response = api.post("/auth/login", null, "{\"username\":\"admin\",\"password\":\"not the password\"}");
        assertEnvelope(response, 401, "unauthenticated");
        assertEquals(AuthService.WRONG_CREDENTIALS, response.json().get("message").asText());
        assertTrue(response.header("WWW-Authenticate").orElse("").startsWith("Bearer"));
        ApiClient.Response unknown = api.post("/auth/login", null, "{\"username\":\"nobody-here\",\"password\":\"not the password\"}");
        assertEquals(response.body(), unknown.body(), "an unknown user is told the same");
    }

    @Test
    void refreshRotatesAndAReusedRefreshTokenIsRefusedAndRevokesItsFamily() {
        JsonNode first = login(createUser("viewer"), PASSWORD);
        String refresh1 = first.get("refreshToken").asText();
        ApiClient.Response second = api.post("/auth/refresh", null, "{\"refreshToken\":\"" + refresh1 + "\"}");
        assertEquals(200, second.status(), second.body());
        String refresh2 = second.json().get("refreshToken").asText();
        String access2 = second.json().get("accessToken").asText();
        assertNotEquals(refresh1, refresh2);
        assertEquals(200, api.get("/auth/me", access2).status());

        assertEnvelope(api.post("/auth/refresh", null, "{\"refreshToken\":\"" + refresh1 + "\"}"), 401, "unauthenticated");
        assertEnvelope(api.post("/auth/refresh", null, "{\"refreshToken\":\"" + refresh2 + "\"}"), 401, "unauthenticated");
        assertEnvelope(api.get("/auth/me", access2), 401, "unauthenticated");
    }

    @Test
    void logoutEndsTheSession() {
        JsonNode tokens = login(createUser("operator"), PASSWORD);
        String access = tokens.get("accessToken").asText();
        ApiClient.Response logout = api.post("/auth/logout", access, "");
        assertEquals(204, logout.status(), logout.body());
        assertEnvelope(api.get("/auth/me", access), 401, "unauthenticated");
        assertEnvelope(api.post("/auth/refresh", null, "{\"refreshToken\":\"" + tokens.get("refreshToken").asText() + "\"}"),
                401, "unauthenticated");
        assertEnvelope(api.post("/auth/logout", null, ""), 401, "unauthenticated");
    }

    @Test
    void eachRoleMayCallOnlyWhatItGrants() {
        for (String role : List.of("viewer", "operator", "auditor")) {
            String token = login(createUser(role), PASSWORD).get("accessToken").asText();
            assertEquals(200, api.get("/auth/me", token).status(), role);
            assertEnvelope(api.get("/users", token), 403, "forbidden");
            assertEnvelope(api.post("/users", token, "{\"username\":\"sneaky\",\"password\":\"" + PASSWORD + "\",\"roles\":[\"admin\"]}"),
                    403, "forbidden");
            assertEnvelope(api.delete("/users/1", token), 403, "forbidden");
        }
        assertEquals(200, api.get("/users", admin).status());
        assertEnvelope(api.get("/users", null), 401, "unauthenticated");
        assertEnvelope(api.get("/users", "garbage"), 401, "unauthenticated");
    }

    @Test
    void afterFiveFailedLoginsTheNextAttemptGets429WithRetryAfter() {
        String name = createUser("viewer");
        for (int i = 0; i < 5; i++) {
            assertEnvelope(api.post("/auth/login", null, "{\"username\":\"" + name + "\",\"password\":\"wrong password " + i + "\"}"),
                    401, "unauthenticated");
        }
        ApiClient.Response limited = api.post("/auth/login", null, "{\"username\":\"" + name + "\",\"password\":\"" + PASSWORD + "\"}");
        assertEnvelope(limited, 429, "rate_limited");
        long retryAfter = Long.parseLong(limited.header("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 900, "Retry-After " + retryAfter);
    }

    @Test
    void adminsManageUsersThroughTheApi() {
        String name = AuthTesting.uniqueName("managed");
        ApiClient.Response created = api.post("/users", admin,
                "{\"username\":\"" + name + "\",\"displayName\":\"Man Aged\",\"password\":\"" + PASSWORD + "\",\"roles\":[\"viewer\"]}");
        assertEquals(201, created.status(), created.body());
        long id = created.json().get("id").asLong();
        assertEquals(name, api.get("/users/" + id, admin).json().get("username").asText());
        ApiClient.Response patched = api.patch("/users/" + id, admin, "{\"roles\":[\"operator\",\"viewer\"],\"enabled\":false}");
        assertEquals(200, patched.status(), patched.body());
        assertFalse(patched.json().get("enabled").asBoolean());
        ApiClient.Response page = api.get("/users?limit=1&offset=0", admin);
        assertEquals(200, page.status(), page.body());
        assertEquals(1, page.json().get("items").size());
        assertTrue(page.json().get("total").asLong() >= 2);
        assertEquals(204, api.delete("/users/" + id, admin).status());
        assertEnvelope(api.get("/users/" + id, admin), 404, "not_found");
        assertEnvelope(api.post("/users", admin, "{\"username\":\"admin\",\"password\":\"" + PASSWORD + "\",\"roles\":[\"viewer\"]}"),
                409, "conflict");
    }

    @Test
    void badInputGetsA4xxEnvelopeAndChangesNothing() throws Exception {
        long before = userCount();
        String sql = "x'); DROP TABLE auth_user; --";
        List<String> bodies = List.of(
                "{",
                "[]",
                "null",
                "{\"username\":[\"okname\"],\"password\":\"" + PASSWORD + "\",\"roles\":[\"viewer\"]}",
                "{\"username\":123,\"password\":\"" + PASSWORD + "\",\"roles\":[\"viewer\"]}",
                "{\"username\":\"okname\",\"password\":true,\"roles\":[\"viewer\"]}",
                "{\"username\":{\"\":1},\"password\":\"" + PASSWORD + "\",\"roles\":[\"viewer\"]}",
                "{\"username\":\"okname\",\"password\":\"" + PASSWORD + "\",\"roles\":\"viewer\"}",
                "{\"username\":\"okname\",\"password\":\"" + PASSWORD + "\",\"roles\":[\"superuser\"]}",
                "{\"username\":\"okname\",\"password\":\"" + PASSWORD + "\",\"roles\":[null]}",
                "{\"username\":\"okname\",\"password\":\"" + PASSWORD + "\",\"roles\":[\"viewer\"],\"isAdmin\":true}",
                "{\"username\":\"" + sql.replace("\"", "\\\"") + "\",\"password\":\"" + PASSWORD + "\",\"roles\":[\"viewer\"]}",
                "{\"username\":\"\\\"\\\"\\\"'''\",\"password\":\"\\\"'\\\"'\\\"'\\\"'\\\"'\\\"'\",\"roles\":[\"viewer\"]}",
                "{\"username\":\"okname\",\"password\":\"short\",\"roles\":[\"viewer\"]}",
                "{\"username\":\"okname\",\"password\":\"" + PASSWORD + "\",\"roles\":[]}");
        for (String body : bodies) {
            ApiClient.Response response = api.post("/users", admin, body);
            assertTrue(response.status() >= 400 && response.status() < 500, body + " -> " + response.status() + " " + response.body());
            assertTrue(response.json().has("errorType"), response.body());
        }
        String huge = "{\"username\":\"okname\",\"password\":\"" + "p".repeat(2 << 20) + "\",\"roles\":[\"viewer\"]}";
        assertEnvelope(api.post("/users", admin, huge), 413, "payload_too_large");
        assertEnvelope(api.post("/auth/login", null, "{\"username\":\"admin\"}"), 400, "validation_failed");
        assertEnvelope(api.post("/auth/login", null, "{\"username\":\"admin\",\"password\":\"x\",\"extra\":1}"), 400, "malformed_request");
        assertEnvelope(api.post("/auth/login", null, "{\"username\":[\"admin\"],\"password\":\"x\"}"), 400, "malformed_request");
        assertEnvelope(api.post("/auth/refresh", null, "{\"refreshToken\":{\"a\":1}}"), 400, "malformed_request");
        assertEnvelope(api.post("/auth/refresh", null, "{\"refreshToken\":42}"), 400, "malformed_request");
        assertEnvelope(api.patch("/users/1", admin, "{\"enabled\":\"yes\"}"), 400, "malformed_request");
        assertEnvelope(api.get("/users?limit=100000", admin), 400, "validation_failed");
        assertEnvelope(api.get("/users?offset=-1", admin), 400, "validation_failed");
        assertEnvelope(api.get("/users/abc", admin), 404, "not_found");
        assertEnvelope(api.send(api.request("/auth/login", null).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("username=admin")).build()), 415, "unsupported_media_type");
        assertEquals(before, userCount(), "no user was created or removed");
        assertEquals(200, api.get("/auth/me", admin).status(), "and the admin still works");
    }

    @Test
    void theJwkSetServesThePublicKeyThatSignedTheTokens() {
        ApiClient.Response jwks = api.get("/auth/jwks", null);
        assertEquals(200, jwks.status(), jwks.body());
        String header = new String(java.util.Base64.getUrlDecoder().decode(admin.split("\\.")[0]), java.nio.charset.StandardCharsets.UTF_8);
        boolean found = false;
        for (JsonNode key : jwks.json().get("keys")) {
            assertFalse(key.has("d"), "no private part");
            found |= header.contains("\"" + key.get("kid").asText() + "\"");
        }
        assertTrue(found, "the token's kid is in the set: " + header + " " + jwks.body());
    }
}
