package io.pganalytics.server.collectors;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.ApiClient;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Small helpers shared by the collector tests: issuing tokens, registering, counting rows, polling. */
final class CollectorTesting {
    private static final AtomicInteger NAMES = new AtomicInteger();

    private CollectorTesting() {
    }

    static String uniqueName(String prefix) {
        return prefix + "-" + NAMES.incrementAndGet();
    }

    /** Creates a registration token as the admin and returns the response body (with the secret). */
    static JsonNode createToken(ApiClient api, String admin, String body) {
        ApiClient.Response created = api.post("/collectors/registration-tokens", admin, body);
        assertEquals(201, created.status(), created.body());
        return created.json();
    }

    static String newToken(ApiClient api, String admin) {
        return createToken(api, admin, "{}").get("token").asText();
    }

    static ApiClient.Response register(ApiClient api, String token, String name) {
        return api.post("/collectors/register", null, "{\"token\":" + api.toJson(token) + ",\"name\":" + api.toJson(name)
                + ",\"hostname\":\"db1.example.com\",\"collectorVersion\":\"3.5.0\"}");
    }

    /** Registers a new collector with a fresh token; returns the identity (collectorId, credential, serverUrl). */
    static JsonNode registerNew(ApiClient api, String admin, String name) {
        ApiClient.Response registered = register(api, newToken(api, admin), name);
        assertEquals(201, registered.status(), registered.body());
        return registered.json();
    }

    static void assertEnvelope(ApiClient.Response response, int status, String errorType) {
        assertEquals(status, response.status(), response.body());
        JsonNode body = response.json();
        assertEquals(status, body.get("status").asInt(), response.body());
        assertEquals(errorType, body.get("errorType").asText(), response.body());
        assertFalse(body.get("message").asText().isBlank());
    }

    static long count(PgAnalyticsServer server, String sql) {
        try (Connection c = server.database().dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void execute(PgAnalyticsServer server, String sql) {
        try (Connection c = server.database().dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until the condition holds, polling every 50 ms, or fails after the deadline. */
    static void await(String what, Duration timeout, BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not within " + timeout + ": " + what);
            }
            try {
                Thread.sleep(50); // polling interval, bounded by the deadline above
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
