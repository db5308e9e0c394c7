package io.pganalytics.server.auth.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.server.http.ApiException;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * What the provider's {@code .well-known/openid-configuration} says, checked: its issuer must be exactly the configured
 * one (OIDC Discovery 4.3: else a document served elsewhere could speak for another issuer), and the endpoints must be
 * https (or http on loopback, like the issuer).
 */
record OidcDiscovery(String issuer, URI authorizationEndpoint, URI tokenEndpoint, URI jwksUri,
                     Optional<URI> userinfoEndpoint) {
    private static final Duration RETRY_AFTER = Duration.ofSeconds(30);

    static URI documentUri(String issuer) {
        return URI.create((issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer)
                + "/.well-known/openid-configuration");
    }

    static OidcDiscovery fetch(OidcHttp http, String providerName, String issuer) {
        JsonNode document = http.getJson(providerName, "discovery document", documentUri(issuer), null);
        String stated = document.path("issuer").asText("");
        if (!issuer.equals(stated)) {
            throw ApiException.unavailable("identity provider " + providerName + ": its discovery document names the issuer '"
                    + OidcSettings.abbreviate(stated) + "', not the configured '" + issuer + "'", RETRY_AFTER);
        }
        return new OidcDiscovery(issuer,
                endpoint(providerName, document, "authorization_endpoint").orElseThrow(() -> missing(providerName, "authorization_endpoint")),
                endpoint(providerName, document, "token_endpoint").orElseThrow(() -> missing(providerName, "token_endpoint")),
                endpoint(providerName, document, "jwks_uri").orElseThrow(() -> missing(providerName, "jwks_uri")),
                endpoint(providerName, document, "userinfo_endpoint"));
    }

    private static Optional<URI> endpoint(String providerName, JsonNode document, String field) {
        String text = document.path(field).asText("");
        if (text.isEmpty()) {
            return Optional.empty();
        }
        URI uri;
        try {
            uri = URI.create(text);
        } catch (IllegalArgumentException e) {
            throw ApiException.unavailable("identity provider " + providerName + ": " + field + " is not a URL", RETRY_AFTER);
        }
        boolean https = "https".equals(uri.getScheme());
        boolean loopback = "http".equals(uri.getScheme()) && uri.getHost() != null && OidcSettings.isLoopback(uri.getHost());
        if (!https && !loopback) {
            throw ApiException.unavailable("identity provider " + providerName + ": " + field + " must be https, was '"
                    + OidcSettings.abbreviate(text) + "'", RETRY_AFTER);
        }
        return Optional.of(uri);
    }

    private static ApiException missing(String providerName, String field) {
        return ApiException.unavailable("identity provider " + providerName + ": its discovery document has no " + field, RETRY_AFTER);
    }
}
