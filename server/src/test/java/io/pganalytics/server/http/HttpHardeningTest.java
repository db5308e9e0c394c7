package io.pganalytics.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.RawHttp;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile or unusual requests over real sockets: each gets a short 4xx (never a 500, never a stack trace in the log),
 * and every answer carries the security headers.
 */
@Tag("fault-and-attack")
class HttpHardeningTest {
    private static PgAnalyticsServer server;
    private static ApiClient api;
    private static RawHttp raw;
    private static String admin;
    private final List<LogRecord> severe = Collections.synchronizedList(new ArrayList<>());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.SEVERE.intValue() || record.getThrown() != null) {
                severe.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeAll
    static void start() {
        server = TestServers.start("hardening");
        api = new ApiClient(server);
        raw = new RawHttp(server);
        admin = api.loginAdmin();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void captureLog() {
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void releaseLog() {
        Logger.getLogger("").removeHandler(capture);
    }

    private void assertNoStackTraceLogged() {
        List<String> logged = severe.stream().map(r -> r.getLevel() + " " + r.getLoggerName() + ": " + r.getMessage()
                + (r.getThrown() == null ? "" : " / " + r.getThrown())).toList();
        assertEquals(List.of(), logged, "nothing logged as SEVERE or with a stack trace");
    }

    private static JsonNode readJson(String text) {
        try {
            return io.pganalytics.common.json.JsonMapping.newMapper().readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    private static void assertEnvelope(int status, String errorType, ApiClient.Response response) {
        assertEquals(status, response.status(), response.body());
        assertEquals(errorType, response.json().get("errorType").asText(), response.body());
    }

    @Test
    void aNulByteInSearchOrDatabaseGets400NamingTheParameter() {
        ApiClient.Response search = api.get("/instances?search=ab%00cd", admin);
        assertEnvelope(400, "validation_failed", search);
        assertEquals("search", search.json().get("details").get(0).get("field").asText(), search.body());
        ApiClient.Response database = api.get("/instances/1/tables?database=%00", admin);
        assertEnvelope(400, "validation_failed", database);
        assertEquals("database", database.json().get("details").get(0).get("field").asText(), database.body());
        ApiClient.Response control = api.get("/instances?status=up%07", admin);
        assertEnvelope(400, "validation_failed", control);
        assertNoStackTraceLogged();
    }

    @Test
    void anAsteriskRequestTargetGets400WithoutAStackTrace() {
        RawHttp.Answer answer = raw.exchange("GET * HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertEquals(400, answer.status(), answer.statusLine() + " " + answer.body());
        assertTrue(answer.body().contains("malformed_request"), answer.body());
        assertNoStackTraceLogged();
    }

    @Test
    void anHttp10RequestIsServedWithoutAStackTrace() {
        RawHttp.Answer answer = raw.exchange("GET /api/v1/openapi.yaml HTTP/1.0\r\n\r\n");
        assertTrue(answer.status() == 200 || answer.status() == 505, answer.statusLine() + " " + answer.body());
        RawHttp.Answer hosted = raw.exchange("GET /api/v1/auth/jwks HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
        assertTrue(hosted.status() == 200 || hosted.status() == 505, hosted.statusLine() + " " + hosted.body());
        assertNoStackTraceLogged();
    }

    @Test
    void contentLengthTogetherWithTransferEncodingIsRefused() {
        String body = "{\"username\":\"admin\",\"password\":\"x\"}";
        String chunked = Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n";
        RawHttp.Answer answer = raw.exchange("POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + chunked);
        assertEquals(400, answer.status(), answer.statusLine() + " " + answer.body());
        assertTrue(answer.body().contains("Transfer-Encoding"), answer.body());
        assertNoStackTraceLogged();
    }

    @Test
    void aBodyThatCannotBeInflatedGets400InOurWordsNotTheInflatersMessage() {
        String garbage = "this is not gzip at all";
        RawHttp.Answer answer = raw.exchange("POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Encoding: gzip\r\nContent-Length: " + garbage.length() + "\r\nConnection: close\r\n\r\n" + garbage);
        assertEquals(400, answer.status(), answer.statusLine() + " " + answer.body());
        assertTrue(answer.body().contains("malformed_request"), answer.body());
        for (String internal : List.of("GZIP", "ZLIB", "Exception", "java.")) {
            assertFalse(answer.body().contains(internal), "the answer quotes '" + internal + "': " + answer.body());
        }
        assertNoStackTraceLogged();
    }

    @Test
    void everyAnswerCarriesTheSecurityHeaders() {
        for (ApiClient.Response response : List.of(api.get("/openapi.yaml", null), api.get("/no/such/route", null),
                api.get("/auth/me", null), api.get("/auth/me", admin),
                api.post("/auth/login", null, "{\"username\":\"admin\",\"password\":\"" + TestServers.ADMIN_PASSWORD + "\"}"))) {
            String what = response.raw().request().method() + " " + response.raw().uri() + " " + response.status();
            assertEquals("nosniff", response.header("X-Content-Type-Options").orElse(null), what);
            assertTrue(response.header("Strict-Transport-Security").orElse("").startsWith("max-age="), what);
            assertEquals("DENY", response.header("X-Frame-Options").orElse(null), what);
            assertTrue(response.header("Content-Security-Policy").orElse("").contains("default-src 'none'"), what);
        }
        ApiClient.Response login = api.post("/auth/login", null, "{\"username\":\"admin\",\"password\":\"" + TestServers.ADMIN_PASSWORD + "\"}");
        assertEquals("no-store", login.header("Cache-Control").orElse(null));
        RawHttp.Answer early = raw.exchange("GET * HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertEquals("nosniff", early.header("X-Content-Type-Options").orElse(null), "an error answered before routing: " + early.headers());
    }

    @Test
    void aWrongMethodGets405WithTheRoutesMethodsInAllow() {
        ApiClient.Response login = api.delete("/auth/login", null);
        assertEnvelope(405, "method_not_allowed", login);
        assertEquals("POST", login.header("Allow").orElse(null));
        ApiClient.Response live = api.send(api.request("/instances/7/live", admin).POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build());
        assertEnvelope(405, "method_not_allowed", live);
        assertEquals("GET", live.header("Allow").orElse(null));
        ApiClient.Response user = api.send(api.request("/users/5", admin).PUT(java.net.http.HttpRequest.BodyPublishers.noBody()).build());
        assertEnvelope(405, "method_not_allowed", user);
        assertEquals(Set.of("GET", "PATCH", "DELETE"), Set.of(user.header("Allow").orElse("").split(",\\s*")));
        assertEnvelope(404, "not_found", api.delete("/no/such/route", admin));
    }

    @Test
    void jsonErrorsNameTheFieldOrLineButNeverTheParsersInternals() {
        Map<String, String> bodies = Map.of(
                "truncated", "{\"username\": \"admin\", ",
                "garbage", "{\"username\": adm",
                "wrong type", "{\"username\": [1], \"password\": \"x\"}",
                "object for string", "{\"username\": {\"a\": 1}, \"password\": \"x\"}",
                "trailing", "{\"username\": \"a\", \"password\": \"x\"} {",
                "single quotes", "{'username': 'admin'}",
                "bad escape", "{\"username\": \"a\\x\", \"password\": \"x\"}");
        bodies.forEach((what, body) -> {
            ApiClient.Response response = api.post("/auth/login", null, body);
            assertEquals(400, response.status(), what + ": " + response.body());
            String message = response.json().get("message").asText() + " " + response.json().get("details");
            for (String internal : List.of("com.fasterxml", "java.", "Source:", "REDACTED", "StreamReadFeature", "`", "[Source",
                    "through reference chain", "io.pganalytics", "was expecting", "(code ", "out of range of int", "Unrecognized",
                    "Numeric value", "within/between", "Unexpected")) {
                assertFalse(message.contains(internal), what + ": the message quotes '" + internal + "': " + message);
            }
        });
        ApiClient.Response truncated = api.post("/auth/login", null, "{\"username\": \"admin\", ");
        assertTrue(truncated.json().get("message").asText().contains("line 1"), truncated.body());
        ApiClient.Response wrongType = api.post("/auth/login", null, "{\"username\": [1], \"password\": \"x\"}");
        assertEquals("username", wrongType.json().get("details").get(0).get("field").asText(), wrongType.body());
    }

    @Test
    void theRegistrationAnswerNeverEchoesTheHostHeader() {
        ApiClient.Response created = api.post("/collectors/registration-tokens", admin, "{}");
        assertEquals(201, created.status(), created.body());
        String token = created.json().get("token").asText();
        String body = "{\"token\":\"" + token + "\",\"name\":\"host-echo\",\"hostname\":\"db1.example.com\",\"collectorVersion\":\"3.5.0\"}";
        RawHttp.Answer answer = raw.exchange("POST /api/v1/collectors/register HTTP/1.1\r\nHost: evil.example.net:666\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body);
        assertEquals(201, answer.status(), answer.statusLine() + " " + answer.body());
        assertFalse(answer.body().contains("evil.example.net"), answer.body());
        JsonNode identity = readJson(answer.body());
        assertTrue(identity.hasNonNull("credential"), answer.body());
        assertFalse(identity.hasNonNull("serverUrl"), "without http.public-url the server URL is left out: " + answer.body());
    }
}
