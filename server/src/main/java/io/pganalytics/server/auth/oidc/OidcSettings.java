package io.pganalytics.server.auth.oidc;

import io.pganalytics.server.auth.provider.ProviderDefinition;
import io.pganalytics.server.auth.provider.ProviderSettings;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
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

    /** Reads {@code definition}; throws {@code ApiException.invalid} naming every wrong setting. */
    static OidcSettings from(ProviderDefinition definition) {
        ProviderSettings in = ProviderSettings.of(definition).refuseUnknown(SETTINGS, SECRETS);
        String issuer = issuer(in, in.required("issuer"));
        String clientId = in.required("clientId");
        Optional<String> secret = Optional.ofNullable(in.secret("clientSecret"));
        List<String> scopes = new ArrayList<>(List.of("openid"));
        for (String scope : in.list("scopes", List.of("openid", "profile", "email"))) {
            if (!scope.matches("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,64}")) {
                in.problem("settings.scopes", "'" + abbreviate(scope) + "' is not a scope token");
            } else if (!scopes.contains(scope)) {
                scopes.add(scope);
            }
        }
        String usernameClaim = in.text("usernameClaim", "preferred_username");
        String groupsClaim = in.text("groupsClaim", "groups");
        Set<String> algorithms = new LinkedHashSet<>();
        List<String> listed = in.list("allowedAlgorithms", List.of("RS256", "ES256"));
        for (String algorithm : listed) {
            if (!SUPPORTED_ALGORITHMS.contains(algorithm)) {
                in.problem("settings.allowedAlgorithms", "'" + abbreviate(algorithm)
                        + "' is not accepted: use asymmetric signatures only (" + String.join(", ", sorted(SUPPORTED_ALGORITHMS))
                        + "); none and HMAC (HS256...) are refused");
            } else {
                algorithms.add(algorithm);
            }
        }
        if (listed.isEmpty()) {
            in.problem("settings.allowedAlgorithms", "must name at least one algorithm");
        }
        Duration skew = in.duration("clockSkew", DEFAULT_CLOCK_SKEW, Duration.ZERO, MAX_CLOCK_SKEW);
        Set<String> trusted = new LinkedHashSet<>(in.list("trustProviderMfa", List.of()));
        in.done();
        return new OidcSettings(issuer, clientId, secret, scopes, usernameClaim, groupsClaim, algorithms, skew, trusted);
    }

    /** The issuer as given, when it is an absolute https URL (http on loopback only), else null with a problem. */
    private static String issuer(ProviderSettings in, String text) {
        if (text == null) {
            return null;
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            in.problem("settings.issuer", "'" + abbreviate(text) + "' is not a URL");
            return null;
        }
        if (uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            in.problem("settings.issuer", "must be an absolute URL without query or fragment, was '" + abbreviate(text) + "'");
            return null;
        }
        boolean https = "https".equals(uri.getScheme());
        boolean loopbackHttp = "http".equals(uri.getScheme()) && isLoopback(uri.getHost());
        if (!https && !loopbackHttp) {
            in.problem("settings.issuer", "must use https (plain http only on 127.0.0.1, [::1] or localhost), was '"
                    + abbreviate(text) + "'");
            return null;
        }
        return text;
    }

    static boolean isLoopback(String host) {
        return host.equals("127.0.0.1") || host.equals("[::1]") || host.equals("localhost");
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
