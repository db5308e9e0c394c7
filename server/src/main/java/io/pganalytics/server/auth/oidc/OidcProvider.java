package io.pganalytics.server.auth.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.scribejava.core.builder.ServiceBuilder;
import com.github.scribejava.core.builder.api.DefaultApi20;
import com.github.scribejava.core.exceptions.OAuthException;
import com.github.scribejava.core.httpclient.jdk.JDKHttpClientConfig;
import com.github.scribejava.core.model.OAuth2AccessToken;
import com.github.scribejava.core.model.OAuth2AccessTokenErrorResponse;
import com.github.scribejava.core.oauth.AccessTokenRequestParams;
import com.github.scribejava.core.oauth.OAuth20Service;
import com.github.scribejava.core.oauth2.clientauthentication.ClientAuthentication;
import com.github.scribejava.core.oauth2.clientauthentication.HttpBasicAuthenticationScheme;
import com.github.scribejava.core.oauth2.clientauthentication.RequestBodyAuthenticationScheme;
import com.github.scribejava.core.pkce.PKCE;
import com.github.scribejava.core.pkce.PKCEService;
import io.pganalytics.common.auth.Role;
import io.pganalytics.server.auth.AuthMethods;
import io.pganalytics.server.auth.ExternalIdentity;
import io.pganalytics.server.auth.provider.BrowserProvider;
import io.pganalytics.server.auth.provider.ProviderDefinition;
import io.pganalytics.server.auth.provider.RoleMapping;
import io.pganalytics.server.http.ApiException;

import java.io.IOException;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

/**
 * One OpenID Connect provider: the authorization code flow with PKCE S256 (ScribeJava builds the authorization URL
 * and exchanges the code), a nonce per flow, the id_token checked by {@link IdTokenVerifier}, userinfo when the
 * groups claim is missing from the id_token, then the role mapping over the claims.
 */
final class OidcProvider implements BrowserProvider {
    static final String KEPT_NONCE = "nonce";
    static final String KEPT_VERIFIER = "codeVerifier";
    static final Duration DISCOVERY_TTL = Duration.ofHours(1);
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    private static final int READ_TIMEOUT_MILLIS = 10_000;

    private final ProviderDefinition definition;
    private final OidcSettings settings;
    private final OidcHttp http;
    private final Clock clock;
    private final SecureRandom random;
    private final JsonWebKeys keys;
    private final IdTokenVerifier verifier;
    private OidcDiscovery discovery;
    private Instant discoveredAt;

    OidcProvider(ProviderDefinition definition, OidcSettings settings, ObjectMapper mapper, Clock clock, SecureRandom random) {
        this.definition = definition;
        this.settings = settings;
        this.http = new OidcHttp(mapper);
        this.clock = clock;
        this.random = random;
        this.keys = new JsonWebKeys(http, definition.name(), () -> discovery().jwksUri(), clock);
        this.verifier = new IdTokenVerifier(definition.name(), settings, keys, mapper, clock);
    }

    @Override
    public ProviderDefinition definition() {
        return definition;
    }

    @Override
    public String test() {
        OidcDiscovery found = discover();
        int count = keys.refresh();
        if (count == 0) {
            throw ApiException.unavailable("identity provider " + definition.name() + ": its JWKS at " + found.jwksUri()
                    + " holds no RSA or EC signing key", Duration.ofSeconds(30));
        }
        return "issuer " + found.issuer() + ": authorization at " + found.authorizationEndpoint() + ", " + count
                + " signing key(s) " + keys.keys().keySet();
    }

    @Override
    public BrowserStart start(String flowId, URI callback) {
        PKCE pkce = PKCEService.defaultInstance().generatePKCE();
        String nonce = randomToken();
        String url = service(callback).createAuthorizationUrlBuilder()
                .state(flowId)
                .pkce(pkce)
                .additionalParams(Map.of("nonce", nonce))
                .build();
        return new BrowserStart(URI.create(url), Map.of(KEPT_NONCE, nonce, KEPT_VERIFIER, pkce.getCodeVerifier()));
    }

    @Override
    public ExternalIdentity finish(Map<String, String> parameters, Map<String, String> kept, URI callback) {
        String error = parameters.get("error");
        if (error != null) {
            String description = parameters.getOrDefault("error_description", "");
            throw refused("the provider answered " + printable(error)
                    + (description.isBlank() ? "" : ": " + printable(description)));
        }
        String code = parameters.get("code");
        if (code == null || code.isBlank()) {
            throw refused("the provider's answer holds no code");
        }
        String nonce = kept.get(KEPT_NONCE);
        String codeVerifier = kept.get(KEPT_VERIFIER);
        if (nonce == null || codeVerifier == null) {
            throw refused("this sign-in was not started by this provider");
        }
        OAuth2AccessToken tokens = exchange(code, codeVerifier, callback);
        JsonNode answer = parse(tokens.getRawResponse());
        JsonNode claims = verifier.verify(answer.path("id_token").asText(null), nonce);
        Map<String, List<String>> attributes = attributes(claims);
        if (!attributes.containsKey(settings.groupsClaim())) {
            userinfo(tokens.getAccessToken(), claims.path("sub").asText()).forEach(attributes::putIfAbsent);
        }
        return identity(claims, attributes);
    }

    private ExternalIdentity identity(JsonNode claims, Map<String, List<String>> attributes) {
        List<String> groups = attributes.getOrDefault(settings.groupsClaim(), List.of());
        Map<String, List<String>> mappable = new HashMap<>(attributes);
        mappable.put(RoleMapping.GROUPS, groups);
        Set<Role> roles = definition.roleMapping().rolesFor(mappable)
                .orElseThrow(() -> refused("no role of this server is mapped to this person's groups or claims"));
        String username = first(attributes, settings.usernameClaim());
        if (username == null || username.isBlank()) {
            throw refused("its id_token has no " + settings.usernameClaim() + " claim to name the user");
        }
        Set<String> methods = new LinkedHashSet<>(List.of(AuthMethods.FEDERATED));
        // The provider's own amr values are not passed on as they come: only this provider's trustProviderMfa says which
        // of its values mean a second factor, and then the sign-in carries "mfa" (which auth.mfa.trust-provider-amr
        // must also accept for it to stand in for this server's own second factor: two keys, both turned on purpose).
        boolean providerMfa = attributes.getOrDefault("amr", List.of()).stream().anyMatch(settings.trustProviderMfa()::contains)
                || attributes.getOrDefault("acr", List.of()).stream().anyMatch(settings.trustProviderMfa()::contains);
        if (providerMfa) {
            // the provider's own second factor, trusted by configuration (trustProviderMfa)
            methods.add(AuthMethods.MULTI_FACTOR);
        }
        return new ExternalIdentity(definition.name(), claims.path("sub").asText(), username,
                first(attributes, "name"), first(attributes, "email"), Set.copyOf(groups), roles, methods);
    }

    private OAuth2AccessToken exchange(String code, String codeVerifier, URI callback) {
        try (OAuth20Service service = service(callback)) {
            return service.getAccessToken(AccessTokenRequestParams.create(code).pkceCodeVerifier(codeVerifier));
        } catch (OAuth2AccessTokenErrorResponse e) {
            String error = e.getError() == null ? "an error" : e.getError().getErrorString();
            throw refused("its token endpoint refused the code (" + printable(error) + ")");
        } catch (OAuthException e) {
            throw refused("its token endpoint's answer is not a token answer");
        } catch (IOException | ExecutionException e) {
            throw ApiException.unavailable("identity provider " + definition.name() + ": its token endpoint cannot be reached: "
                    + e.getClass().getSimpleName(), Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("identity provider " + definition.name() + ": interrupted", Duration.ofSeconds(30));
        }
    }

    private Map<String, List<String>> userinfo(String accessToken, String subject) {
        OidcDiscovery found = discovery();
        if (found.userinfoEndpoint().isEmpty() || accessToken == null) {
            return Map.of();
        }
        JsonNode info = http.getJson(definition.name(), "userinfo", found.userinfoEndpoint().get(), accessToken);
        if (!subject.equals(info.path("sub").asText(""))) {
            // OIDC Core 5.3.2: a userinfo answer about someone else must not be used
            throw refused("its userinfo answer is about another subject");
        }
        return attributes(info);
    }

    private OAuth20Service service(URI callback) {
        OidcDiscovery found = discovery();
        ServiceBuilder builder = new ServiceBuilder(settings.clientId())
                .callback(callback.toString())
                .httpClientConfig(JDKHttpClientConfig.defaultConfig().withConnectTimeout(CONNECT_TIMEOUT_MILLIS)
                        .withReadTimeout(READ_TIMEOUT_MILLIS).withFollowRedirects(false));
        settings.clientSecret().ifPresent(builder::apiSecret);
        builder.defaultScope(String.join(" ", settings.scopes()));
        return builder.build(new Endpoints(found, settings.clientSecret().isPresent()));
    }

    /** The discovery document, fetched on first use and again after {@link #DISCOVERY_TTL}. */
    synchronized OidcDiscovery discovery() {
        if (discovery == null || !clock.instant().isBefore(discoveredAt.plus(DISCOVERY_TTL))) {
            discover();
        }
        return discovery;
    }

    private synchronized OidcDiscovery discover() {
        discovery = OidcDiscovery.fetch(http, definition.name(), settings.issuer());
        discoveredAt = clock.instant();
        return discovery;
    }

    private static Map<String, List<String>> attributes(JsonNode claims) {
        Map<String, List<String>> attributes = new HashMap<>();
        claims.properties().forEach(entry -> {
            JsonNode value = entry.getValue();
            if (value.isValueNode() && !value.isNull()) {
                attributes.put(entry.getKey(), List.of(value.asText()));
            } else if (value.isArray()) {
                List<String> values = new ArrayList<>();
                value.forEach(item -> {
                    if (item.isValueNode() && !item.isNull() && values.size() < 1000) {
                        values.add(item.asText());
                    }
                });
                attributes.put(entry.getKey(), List.copyOf(values));
            }
        });
        return attributes;
    }

    private static String first(Map<String, ? extends Collection<String>> attributes, String name) {
        Collection<String> values = attributes.get(name);
        return values == null || values.isEmpty() ? null : values.iterator().next();
    }

    private JsonNode parse(String raw) {
        try {
            JsonNode json = http.mapper().readTree(raw == null ? "" : raw);
            if (json == null || !json.isObject()) {
                throw refused("its token endpoint's answer is not a JSON object");
            }
            return json;
        } catch (IOException e) {
            throw refused("its token endpoint's answer is not JSON");
        }
    }

    private String randomToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private ApiException refused(String why) {
        return ApiException.unauthenticated("sign-in with " + definition.name() + " refused: " + why);
    }

    /** Text from the provider, safe to show: printable ASCII only, at most 200 characters. */
    static String printable(String text) {
        String cleaned = text.replaceAll("[^\\x20-\\x7E]", "?");
        return cleaned.length() <= 200 ? cleaned : cleaned.substring(0, 197) + "...";
    }

    /** The provider's endpoints for ScribeJava; a client secret goes in HTTP Basic, a public client names itself in the body. */
    private static final class Endpoints extends DefaultApi20 {
        private final OidcDiscovery discovery;
        private final boolean confidential;

        Endpoints(OidcDiscovery discovery, boolean confidential) {
            this.discovery = discovery;
            this.confidential = confidential;
        }

        @Override
        public String getAccessTokenEndpoint() {
            return discovery.tokenEndpoint().toString();
        }

        @Override
        protected String getAuthorizationBaseUrl() {
            return discovery.authorizationEndpoint().toString();
        }

        @Override
        public ClientAuthentication getClientAuthentication() {
            return confidential ? HttpBasicAuthenticationScheme.instance() : RequestBodyAuthenticationScheme.instance();
        }
    }
}
