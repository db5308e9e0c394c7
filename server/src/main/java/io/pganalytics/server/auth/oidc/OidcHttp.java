package io.pganalytics.server.auth.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pganalytics.server.http.ApiException;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The provider's JSON documents (discovery, JWKS, userinfo), fetched with timeouts and a size limit; no redirect is
 * followed (a document that moved is a configuration to fix, not a hop to take).
 */
final class OidcHttp {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    static final int MAX_BYTES = 512 * 1024;
    private static final Duration RETRY_AFTER = Duration.ofSeconds(30);

    private final HttpClient http;
    private final ObjectMapper mapper;

    OidcHttp(ObjectMapper mapper) {
        this.mapper = mapper;
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    ObjectMapper mapper() {
        return mapper;
    }

    /** GETs a JSON object; {@code bearer} (an access token, for userinfo) may be null. */
    JsonNode getJson(String providerName, String what, URI uri, String bearer) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json").GET();
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw ApiException.unavailable("identity provider " + providerName + ": cannot fetch its " + what + " from "
                    + uri + ": " + e.getClass().getSimpleName(), RETRY_AFTER);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("identity provider " + providerName + ": interrupted while fetching its " + what, RETRY_AFTER);
        }
        try (InputStream body = response.body()) {
            byte[] bytes = body.readNBytes(MAX_BYTES + 1);
            if (response.statusCode() != 200) {
                throw ApiException.unavailable("identity provider " + providerName + ": its " + what + " at " + uri
                        + " answered HTTP " + response.statusCode(), RETRY_AFTER);
            }
            if (bytes.length > MAX_BYTES) {
                throw ApiException.unavailable("identity provider " + providerName + ": its " + what + " at " + uri
                        + " is larger than " + MAX_BYTES + " bytes", RETRY_AFTER);
            }
            JsonNode json = mapper.readTree(bytes);
            if (json == null || !json.isObject()) {
                throw ApiException.unavailable("identity provider " + providerName + ": its " + what + " at " + uri
                        + " is not a JSON object", RETRY_AFTER);
            }
            return json;
        } catch (IOException e) {
            throw ApiException.unavailable("identity provider " + providerName + ": its " + what + " at " + uri
                    + " is not readable JSON", RETRY_AFTER);
        }
    }
}
