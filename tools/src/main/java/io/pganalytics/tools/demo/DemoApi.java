package io.pganalytics.tools.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pganalytics.collector.ship.ErrorEnvelope;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.common.query.InstancePage;
import io.pganalytics.common.query.SeriesResponse;
import io.pganalytics.common.query.TopQueries;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/** The few API calls the demo makes as an administrator would: log in, issue a registration token, read the data. */
final class DemoApi {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http;
    private final String apiUrl;
    private final ObjectMapper mapper = JsonMapping.newMapper();
    private String accessToken;

    DemoApi(HttpClient http, String apiUrl) {
        this.http = http;
        this.apiUrl = apiUrl;
    }

    /** Logs in; later calls carry the access token. */
    void login(String username, String password) throws DemoException, InterruptedException {
        JsonNode answer = send("POST", "/auth/login", Map.of("username", username, "password", password), 200);
        accessToken = answer.path("accessToken").asText(null);
        if (accessToken == null) {
            throw new DemoException("the login answer has no accessToken");
        }
    }

    /** A one-time token for registering one collector. */
    String registrationToken(String note) throws DemoException, InterruptedException {
        return send("POST", "/collectors/registration-tokens", Map.of("note", note, "expiresInSeconds", 600), 201).path("token").asText();
    }

    /** Whether the server knows an enabled collector of that id (a demo directory's server may have been reset). */
    boolean collectorEnabled(String collectorId) throws DemoException, InterruptedException {
        for (JsonNode item : send("GET", "/collectors?limit=500", null, 200).path("items")) {
            if (collectorId.equals(item.path("id").asText()) && item.path("enabled").asBoolean(true)) {
                return true;
            }
        }
        return false;
    }

    InstancePage instances(String search) throws DemoException, InterruptedException {
        return read(send("GET", "/instances?search=" + encode(search), null, 200), InstancePage.class);
    }

    SeriesResponse series(long instanceId, String metric, Instant from) throws DemoException, InterruptedException {
        return read(send("GET", "/instances/" + instanceId + "/series?metric=" + encode(metric) + "&from=" + instant(from), null, 200),
                SeriesResponse.class);
    }

    TopQueries topQueries(long instanceId, Instant from, int limit) throws DemoException, InterruptedException {
        return read(send("GET", "/instances/" + instanceId + "/queries/top?orderBy=total_time&limit=" + limit + "&from=" + instant(from),
                null, 200), TopQueries.class);
    }

    private JsonNode send(String method, String path, Object body, int expected) throws DemoException, InterruptedException {
        URI uri = URI.create(apiUrl + path);
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Accept", "application/json");
            if (accessToken != null) {
                request.header("Authorization", "Bearer " + accessToken);
            }
            if (body != null) {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(body)));
            } else {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != expected) {
                throw new DemoException(method + " " + uri.getPath() + ": " + ErrorEnvelope.describe(mapper, response.statusCode(), response.body()));
            }
            return mapper.readTree(response.body());
        } catch (IOException e) {
            throw new DemoException(method + " " + uri + ": " + e.getMessage(), e);
        }
    }

    private <T> T read(JsonNode node, Class<T> type) throws DemoException {
        try {
            return mapper.treeToValue(node, type);
        } catch (IOException e) {
            throw new DemoException("unexpected answer for " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    private static String instant(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
