package io.pganalytics.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every API response promises: the error envelope, the documented routes, the admin socket's figures. */
class ApiContractTest {
    private static PgAnalyticsServer server;
    private static ApiClient api;

    @BeforeAll
    static void start() {
        server = TestServers.start("contract");
        api = new ApiClient(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void everyRouteIsDocumentedAndEveryDocumentedOperationIsRouted() {
        ApiClient.Response response = api.get("/openapi.yaml", null);
        assertEquals(200, response.status());
        Map<String, Object> document = new Yaml().load(response.body());
        assertTrue(String.valueOf(document.get("openapi")).startsWith("3."), "an OpenAPI 3 document");
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) document.get("paths");
        Set<String> documented = new TreeSet<>();
        Map<String, String> documentedAccess = new java.util.HashMap<>();
        paths.forEach((path, operations) -> operations.forEach((method, operation) -> {
            if (Set.of("get", "post", "put", "patch", "delete").contains(method)) {
                String key = method.toUpperCase(Locale.ROOT) + " " + path;
                documented.add(key);
                @SuppressWarnings("unchecked")
                Object access = ((Map<String, Object>) operation).get("x-pganalytics-access");
                documentedAccess.put(key, String.valueOf(access));
            }
        }));
        Set<String> routed = new TreeSet<>();
        for (RouteCatalog.Entry entry : server.routes().entries()) {
            String key = entry.method() + " " + entry.path().substring(PgAnalyticsServer.API_PREFIX.length());
            routed.add(key);
            assertEquals(entry.access().name().toLowerCase(Locale.ROOT), documentedAccess.get(key),
                    key + ": x-pganalytics-access in openapi.yaml must state the route's access");
        }
        Set<String> undocumented = new HashSet<>(routed);
        undocumented.removeAll(documented);
        Set<String> unrouted = new HashSet<>(documented);
        unrouted.removeAll(routed);
        assertTrue(undocumented.isEmpty(), "routes missing from openapi.yaml: " + undocumented);
        assertTrue(unrouted.isEmpty(), "openapi.yaml documents operations no route serves: " + unrouted);
    }

    @Test
    void anUnknownRouteGetsA404Envelope() {
        ApiClient.Response response = api.get("/no/such/thing", null);
        assertEquals(404, response.status());
        JsonNode body = response.json();
        assertEquals(404, body.get("status").asInt());
        assertEquals("not_found", body.get("errorType").asText());
        assertTrue(body.get("message").asText().contains("/api/v1/no/such/thing"));
        assertTrue(body.get("details").isArray());
    }

    @Test
    void aProtectedRouteWithoutATokenGets401WithAChallenge() {
        ApiClient.Response response = api.get("/auth/me", null);
        assertEquals(401, response.status());
        assertEquals("unauthenticated", response.json().get("errorType").asText());
        assertTrue(response.header("WWW-Authenticate").orElse("").startsWith("Bearer"));
    }

    @Test
    void aGarbageTokenGets401() {
        ApiClient.Response response = api.get("/auth/me", "not.a.jwt");
        assertEquals(401, response.status(), response.body());
        assertEquals("unauthenticated", response.json().get("errorType").asText());
    }

    @Test
    void anOversizedBodyGets413BeforeItIsParsed() {
        String huge = "{\"username\":\"" + "x".repeat(2 * 1024 * 1024) + "\",\"password\":\"p\"}";
        ApiClient.Response response = api.post("/auth/login", null, huge);
        assertEquals(413, response.status());
        assertEquals("payload_too_large", response.json().get("errorType").asText());
    }

    @Test
    void aNonJsonContentTypeGets415() {
        ApiClient.Response response = api.send(api.request("/auth/login", null).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("username=admin")).build());
        assertEquals(415, response.status());
        assertEquals("unsupported_media_type", response.json().get("errorType").asText());
    }

    @Test
    void malformedJsonGets400WithThePosition() {
        ApiClient.Response response = api.post("/auth/login", null, "{\"username\": \"admin\", ");
        assertEquals(400, response.status());
        assertEquals("malformed_request", response.json().get("errorType").asText());
        assertTrue(response.json().get("message").asText().contains("not valid JSON"), response.body());
    }

    @Test
    void theAdminSocketServesPrometheusMetricsIncludingApiRequests() throws Exception {
        api.get("/openapi.yaml", null);
        HttpResponse<String> metrics = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.adminPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        assertTrue(metrics.body().contains("pganalytics_http_requests_total{method=\"GET\",status=\"2xx\"}"), metrics.body());
        assertTrue(metrics.body().contains("# TYPE pganalytics_http_request_seconds histogram"), metrics.body());
        assertTrue(metrics.body().contains("pganalytics_cluster_members 1"), metrics.body());
    }
}
