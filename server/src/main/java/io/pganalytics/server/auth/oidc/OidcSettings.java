package io.pganalytics.server.auth.oidc;

import io.pganalytics.server.auth.provider.ProviderDefinition;
import io.pganalytics.server.http.ApiException;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An OIDC provider's settings, read from a {@link ProviderDefinition} and checked once: every problem names its
 * setting ({@code settings.issuer}, {@code secrets.clientSecret}...).
 *
 * @param issuer            the issuer exactly as the provider's discovery document states it; https, or http on a
 *                          loopback address only
 * @param clientId          this server's client id at the provider
 * @param clientSecret      the client secret, or empty for a public client (PKCE alone)
 * @param scopes            the scopes asked for; always holds {@code openid}
 * @param usernameClaim     the claim that names the local user
 * @param groupsClaim       the claim that lists the person's groups (role mapping attribute {@code groups})
 * @param allowedAlgorithms the id_token signature algorithms accepted (never {@code none} nor an HMAC)
 * @param clockSkew         how far exp and iat may be off
 * @param trustProviderMfa  amr or acr values that, when the provider asserts one, satisfy this server's MFA policy
 */
record OidcSettings(String issuer, String clientId, Optional<String> clientSecret, List<String> scopes,
                    String usernameClaim, String groupsClaim, Set<String> allowedAlgorithms, Duration clockSkew,
                    Set<String> trustProviderMfa) {
    static final Set<String> SUPPORTED_ALGORITHMS = Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
            "ES256", "ES384", "ES512");
    static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);
    static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

    OidcSettings {
        scopes = List.copyOf(scopes);
        allowedAlgorithms = Set.copyOf(allowedAlgorithms);
        trustProviderMfa = Set.copyOf(trustProviderMfa);
    }

    static final Set<String> SETTINGS = Set.of("issuer", "clientId", "scopes", "usernameClaim", "groupsClaim",
            "allowedAlgorithms", "clockSkew", "trustProviderMfa");
    static final Set<String> SECRETS = Set.of("clientSecret");

    static OidcSettings from(ProviderDefinition definition) {
        Map<String, Object> settings = definition.settings();
        for (String key : settings.keySet()) {
            if (!SETTINGS.contains(key)) {
                throw ApiException.invalid("settings." + abbreviate(key), "is not a setting of an OpenID Connect provider (known: "
                        + String.join(", ", sorted(SETTINGS)) + ")");
            }
        }
        for (String key : definition.secrets().keySet()) {
            if (!SECRETS.contains(key)) {
                throw ApiException.invalid("secrets." + abbreviate(key), "is not a secret of an OpenID Connect provider (known: clientSecret)");
            }
        }
        String issuer = issuer(text(settings, "issuer").orElseThrow(() -> missing("issuer")));
        String clientId = text(settings, "clientId").orElseThrow(() -> missing("clientId"));
        Optional<String> secret = Optional.ofNullable(definition.secrets().get("clientSecret")).filter(s -> !s.isBlank());
        List<String> scopes = new ArrayList<>(List.of("openid"));
        for (String scope : list(settings, "scopes", List.of("openid", "profile", "email"))) {
            if (!scope.matches("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,64}")) {
                throw ApiException.invalid("settings.scopes", "'" + abbreviate(scope) + "' is not a scope token");
            }
            if (!scopes.contains(scope)) {
                scopes.add(scope);
            }
        }
        String usernameClaim = text(settings, "usernameClaim").orElse("preferred_username");
        String groupsClaim = text(settings, "groupsClaim").orElse("groups");
        Set<String> algorithms = new LinkedHashSet<>();
        for (String algorithm : list(settings, "allowedAlgorithms", List.of("RS256", "ES256"))) {
            if (!SUPPORTED_ALGORITHMS.contains(algorithm)) {
                throw ApiException.invalid("settings.allowedAlgorithms", "'" + abbreviate(algorithm)
                        + "' is not accepted: use asymmetric signatures only (" + String.join(", ", sorted(SUPPORTED_ALGORITHMS))
                        + "); none and HMAC (HS256...) are refused");
            }
            algorithms.add(algorithm);
        }
        if (algorithms.isEmpty()) {
            throw ApiException.invalid("settings.allowedAlgorithms", "must name at least one algorithm");
        }
        Duration skew = duration(settings.get("clockSkew"));
        Set<String> trusted = new LinkedHashSet<>(list(settings, "trustProviderMfa", List.of()));
        return new OidcSettings(issuer, clientId, secret, scopes, usernameClaim, groupsClaim, algorithms, skew, trusted);
    }

    private static String issuer(String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw ApiException.invalid("settings.issuer", "'" + abbreviate(text) + "' is not a URL");
        }
        if (uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw ApiException.invalid("settings.issuer", "must be an absolute URL without query or fragment, was '" + abbreviate(text) + "'");
        }
        boolean https = "https".equals(uri.getScheme());
        boolean loopbackHttp = "http".equals(uri.getScheme()) && isLoopback(uri.getHost());
        if (!https && !loopbackHttp) {
            throw ApiException.invalid("settings.issuer", "must use https (plain http only on 127.0.0.1, [::1] or localhost), was '"
                    + abbreviate(text) + "'");
        }
        return text;
    }

    static boolean isLoopback(String host) {
        return host.equals("127.0.0.1") || host.equals("[::1]") || host.equals("localhost");
    }

    private static Duration duration(Object value) {
        if (value == null || value.toString().isBlank()) {
            return DEFAULT_CLOCK_SKEW;
        }
        String text = value.toString().strip().toLowerCase(Locale.ROOT);
        Duration skew;
        try {
            if (text.endsWith("ms")) {
                skew = Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
            } else if (text.endsWith("s")) {
                skew = Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
            } else if (text.endsWith("m")) {
                skew = Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
            } else {
                skew = Duration.ofSeconds(Long.parseLong(text));
            }
        } catch (NumberFormatException e) {
            throw ApiException.invalid("settings.clockSkew", "'" + abbreviate(text) + "' is not a duration (seconds, or 90s, 2m)");
        }
        if (skew.isNegative() || skew.compareTo(MAX_CLOCK_SKEW) > 0) {
            throw ApiException.invalid("settings.clockSkew", "must be from 0 to " + MAX_CLOCK_SKEW.toSeconds() + " s, was " + skew.toSeconds() + " s");
        }
        return skew;
    }

    private static Optional<String> text(Map<String, Object> settings, String key) {
        Object value = settings.get(key);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof String || value instanceof Number || value instanceof Boolean)) {
            throw ApiException.invalid("settings." + key, "must be text");
        }
        String text = value.toString().strip();
        if (text.length() > 2048) {
            throw ApiException.invalid("settings." + key, "is longer than 2048 characters");
        }
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
    }

    private static List<String> list(Map<String, Object> settings, String key, List<String> defaults) {
        Object value = settings.get(key);
        if (value == null) {
            return defaults;
        }
        Collection<?> items;
        if (value instanceof Collection<?> collection) {
            items = collection;
        } else if (value instanceof String text) {
            items = List.of(text.strip().isEmpty() ? new String[0] : text.strip().split("[,\\s]+"));
        } else {
            throw ApiException.invalid("settings." + key, "must be a list or a comma-separated text");
        }
        if (items.size() > 64) {
            throw ApiException.invalid("settings." + key, "has more than 64 entries");
        }
        List<String> result = new ArrayList<>();
        for (Object item : items) {
            if (item == null || item.toString().isBlank()) {
                throw ApiException.invalid("settings." + key, "must not hold empty entries");
            }
            result.add(item.toString().strip());
        }
        return result;
    }

    private static ApiException missing(String key) {
        return ApiException.invalid("settings." + key, "is required");
    }

    private static List<String> sorted(Set<String> values) {
        return values.stream().sorted().toList();
    }

    static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }

    @Override
    public String toString() {
        return "OidcSettings[issuer=" + issuer + ", clientId=" + clientId + ", clientSecret="
                + (clientSecret.isPresent() ? "(set)" : "(public client)") + ", scopes=" + scopes + ", usernameClaim="
                + usernameClaim + ", groupsClaim=" + groupsClaim + ", allowedAlgorithms=" + allowedAlgorithms
                + ", clockSkew=" + clockSkew + ", trustProviderMfa=" + trustProviderMfa + "]";
    }
}
