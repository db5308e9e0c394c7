package io.pganalytics.server.auth.sso;

import io.pganalytics.common.api.ErrorType;
import io.pganalytics.common.auth.SsoTokenRequest;
import io.pganalytics.common.auth.TokenResponse;
import io.pganalytics.server.auth.ExternalIdentity;
import io.pganalytics.server.auth.provider.BrowserProvider;
import io.pganalytics.server.http.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The broker's rules: which console requests start a flow, how the provider's answer becomes a one-time code at the
 * console's loopback, and how that code (with the PKCE verifier) becomes a sign-in. Every refusal changes nothing but
 * the consumption of the flow or code it was given: those are single use whatever happens.
 */
public final class SsoBroker {
    /** Where the broker finds an enabled browser provider by name (the provider registry). */
    @FunctionalInterface
    public interface Providers {
        Optional<BrowserProvider> browser(String name);
    }

    /** Where every sign-in ends: an external identity becomes a local user and a session (or an MFA challenge). */
    @FunctionalInterface
    public interface SignIn {
        TokenResponse signIn(ExternalIdentity identity, String clientAddress);
    }

    static final int MAX_OPEN_FLOWS = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(SsoBroker.class);
    private static final Pattern STATE = Pattern.compile("[A-Za-z0-9._~-]{8,256}");
    private static final Pattern CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final Pattern VERIFIER = Pattern.compile("[A-Za-z0-9._~-]{43,128}");
    private static final Pattern CODE = Pattern.compile("[A-Za-z0-9_-]{20,128}");
    private static final Pattern FLOW_ID = Pattern.compile("[A-Za-z0-9_-]{20,128}");

    private final Providers providers;
    private final SignIn signIn;
    private final SsoStore store;
    private final SecureRandom random;

    /** A broker whose flows and codes live in {@code hazelcast}'s maps {@value SsoStore#FLOWS} and {@value SsoStore#CODES}. */
    public static SsoBroker create(Providers providers, SignIn signIn, com.hazelcast.core.HazelcastInstance hazelcast,
                                   com.fasterxml.jackson.databind.ObjectMapper mapper, SecureRandom random) {
        return new SsoBroker(providers, signIn, new SsoStore(hazelcast, mapper), random);
    }

    SsoBroker(Providers providers, SignIn signIn, SsoStore store, SecureRandom random) {
        this.providers = providers;
        this.signIn = signIn;
        this.store = store;
        this.random = random;
    }

    /** Checks the console's request, starts the provider's flow and answers where to send the browser. */
    URI start(String providerName, String redirectUri, String state, String codeChallenge, String challengeMethod, URI callback) {
        BrowserProvider provider = provider(providerName);
        URI loopback = LoopbackRedirect.check(redirectUri);
        if (state == null || !STATE.matcher(state).matches()) {
            throw ApiException.invalid("state", "is required: 8 to 256 of A-Z, a-z, 0-9, '-', '.', '_', '~'");
        }
        if (!"S256".equals(challengeMethod)) {
            throw ApiException.invalid("code_challenge_method", "must be S256 (plain is refused)");
        }
        if (codeChallenge == null || !CHALLENGE.matcher(codeChallenge).matches()) {
            throw ApiException.invalid("code_challenge", "must be the base64url SHA-256 of the verifier (43 characters)");
        }
        if (store.openFlows() >= MAX_OPEN_FLOWS) {
            throw ApiException.unavailable("too many sign-ins in progress (" + MAX_OPEN_FLOWS + "): try again in a minute",
                    Duration.ofSeconds(60));
        }
        String flowId = randomToken();
        BrowserProvider.BrowserStart started = provider.start(flowId, callback);
        store.putFlow(flowId, new SsoStore.Flow(providerName, loopback.toString(), state, codeChallenge, callback.toString(),
                started.kept()));
        LOG.info("sso: {} sign-in started for a console on {}", providerName, loopback.getHost());
        return started.redirect();
    }

    /**
     * The provider's answer: takes the flow out (once), lets the provider check the answer, and answers where to send
     * the browser: the console's loopback with a one-time code, or with {@code error=access_denied}.
     */
    URI callback(String providerName, Map<String, String> parameters) {
        String flowId = parameters.getOrDefault("state", parameters.get("RelayState"));
        if (flowId == null || !FLOW_ID.matcher(flowId).matches()) {
            throw ApiException.invalid("state", "this answer names no sign-in of this server");
        }
        SsoStore.Flow flow = store.takeFlow(flowId)
                .orElseThrow(() -> ApiException.invalid("state", "this sign-in is unknown, expired or already finished: start again from the console"));
        if (!flow.provider().equals(providerName)) {
            throw ApiException.invalid("state", "this sign-in was started with another identity provider");
        }
        URI loopback = URI.create(flow.redirectUri());
        ExternalIdentity identity;
        try {
            identity = provider(providerName).finish(parameters, flow.kept(), URI.create(flow.callback()));
        } catch (ApiException e) {
            String error = e.type() == ErrorType.UNAUTHENTICATED ? "access_denied" : "temporarily_unavailable";
            LOG.info("sso: {} sign-in refused: {}", providerName, e.getMessage());
            return withQuery(loopback, Map.of("error", error, "error_description", e.getMessage(), "state", flow.state()));
        }
        String code = randomToken();
        store.putGrant(code, new SsoStore.Grant(providerName, identity, flow.codeChallenge(), flow.redirectUri()));
        LOG.info("sso: {} vouched for {}; one-time code sent to the console's loopback", providerName, identity.username());
        return withQuery(loopback, Map.of("code", code, "state", flow.state()));
    }

    /** The console's trade: a one-time code and its PKCE verifier for this server's tokens (or an MFA challenge). */
    TokenResponse token(SsoTokenRequest request, String clientAddress) {
        if (request == null || request.code() == null || !CODE.matcher(request.code()).matches()) {
            throw ApiException.invalid("code", "is required: the code from the loopback redirect");
        }
        if (request.codeVerifier() == null || !VERIFIER.matcher(request.codeVerifier()).matches()) {
            throw ApiException.invalid("codeVerifier", "is required: 43 to 128 of A-Z, a-z, 0-9, '-', '.', '_', '~' (RFC 7636)");
        }
        if (request.redirectUri() == null || request.redirectUri().isBlank()) {
            throw ApiException.invalid("redirectUri", "is required: the redirect_uri sent to start");
        }
        // Taken out before the checks: a code is good for one attempt, so a stolen code cannot be tried twice.
        SsoStore.Grant grant = store.takeGrant(request.code())
                .orElseThrow(() -> ApiException.unauthenticated("this sign-in code is unknown, expired or already used: sign in again"));
        if (!MessageDigest.isEqual(s256(request.codeVerifier()).getBytes(StandardCharsets.US_ASCII),
                grant.codeChallenge().getBytes(StandardCharsets.US_ASCII))) {
            LOG.info("sso: a {} sign-in code was presented with the wrong PKCE verifier from {}; the code is spent", grant.provider(), clientAddress);
            throw ApiException.unauthenticated("the code verifier does not match this sign-in's code challenge");
        }
        if (!grant.redirectUri().equals(request.redirectUri())) {
            throw ApiException.unauthenticated("the redirect URI is not the one this sign-in started with");
        }
        return signIn.signIn(grant.identity(), clientAddress);
    }

    /** The provider's document for its administrator (SAML SP metadata), if it has one. */
    Optional<String> metadata(String providerName, URI callback) {
        return provider(providerName).metadata(callback);
    }

    private BrowserProvider provider(String name) {
        return providers.browser(name)
                .orElseThrow(() -> ApiException.notFound("no enabled single sign-on provider named '"
                        + (name.length() > 40 ? name.substring(0, 40) + "..." : name) + "'"));
    }

    private String randomToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String s256(String verifier) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static URI withQuery(URI base, Map<String, String> parameters) {
        StringBuilder query = new StringBuilder();
        for (String name : new String[]{"code", "error", "error_description", "state"}) {
            String value = parameters.get(name);
            if (value != null) {
                query.append(query.isEmpty() ? '?' : '&').append(name).append('=')
                        .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        }
        return URI.create(base + query.toString());
    }
}
