package io.pganalytics.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pganalytics.common.json.JsonMapping;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** The few API calls the bench makes as the admin: sign in, issue registration tokens, read the query API. */
final class AdminApi {
    private final HttpClient http;
    private final URI api;
    private final ObjectMapper mapper = JsonMapping.newMapper();
    private final String password;
    private volatile String accessToken;

    AdminApi(HttpClient http, URI serverBase, String password) {
        this.http = http;
        this.api = serverBase.resolve("/api/v1/");
        this.password = password;
    }

    /** Signs in again (access tokens live 15 minutes; a bench phase may outlast one). */
    void login() throws IOException, InterruptedException {
        JsonNode body = post("auth/login", Map.of("username", "admin", "password", password), false);
        accessToken = body.path("accessToken").asText();
    }

    /** The access token of the last sign-in. */
    String accessToken() {
        return accessToken;
    }

    /** A one-time registration token. */
    String registrationToken(String note) throws IOException, InterruptedException {
        return post("collectors/registration-tokens", Map.of("note", note), true).path("token").asText();
    }

    /** GET of a query API path (relative to /api/v1/); returns the status, throws unless 200. */
    int get(String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(api.resolve(pathAndQuery))
                .header("Authorization", "Bearer " + accessToken).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + pathAndQuery + ": " + response.statusCode() + " " + response.body());
        }
        return response.statusCode();
    }

    /** GET of an API path (relative to /api/v1/) as JSON; throws unless 200. */
    JsonNode getJson(String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(api.resolve(pathAndQuery))
                .header("Authorization", "Bearer " + accessToken).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + pathAndQuery + ": " + response.statusCode() + " " + response.body());
        }
        return mapper.readTree(response.body());
    }

    /** An authenticated POST of a JSON body (relative to /api/v1/); throws unless 2xx. */
    JsonNode postJson(String path, Object body) throws IOException, InterruptedException {
        return post(path, body, true);
    }

    ObjectMapper mapper() {
        return mapper;
    }

    private JsonNode post(String path, Object body, boolean authenticated) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(api.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(body)));
        if (authenticated) {
            request.header("Authorization", "Bearer " + accessToken);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException("POST " + path + ": " + response.statusCode() + " " + response.body());
        }
        return mapper.readTree(response.body());
    }
}
