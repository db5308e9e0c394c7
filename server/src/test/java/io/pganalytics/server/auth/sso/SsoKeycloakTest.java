package io.pganalytics.server.auth.sso;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.Browser;
import io.pganalytics.server.testing.Keycloak;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console's single sign-on against a real Keycloak and a real server node over HTTPS: the browser is a
 * {@link Browser} that follows the same redirects a system browser would, logs in on Keycloak's form, and stops at the
 * redirect to the console's loopback (captured, not followed); the console's side is the token request.
 */
class SsoKeycloakTest {
    static final String PROVIDER = "keycloak";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static PgAnalyticsServer server;
    private static ApiClient api;

    /** The configuration of the Keycloak realm's OIDC client as provider {@value #PROVIDER}: groups map to roles, else refuse. */
    static Map<String, String> keycloakProvider(Keycloak keycloak) {
        Map<String, String> overrides = new HashMap<>();
        overrides.put("auth.providers.0.name", PROVIDER);
        overrides.put("auth.providers.0.kind", "oidc");
        overrides.put("auth.providers.0.display-name", "Keycloak");
        overrides.put("auth.providers.0.settings.issuer", keycloak.issuer());
        overrides.put("auth.providers.0.settings.clientId", Keycloak.OIDC_CLIENT);
        overrides.put("auth.providers.0.secrets.clientSecret", Keycloak.OIDC_SECRET);
        overrides.put("auth.providers.0.role-mapping.rules.0.attribute", "groups");
        overrides.put("auth.providers.0.role-mapping.rules.0.value", Keycloak.OPERATORS);
        overrides.put("auth.providers.0.role-mapping.rules.0.role", "operator");
        overrides.put("auth.providers.0.role-mapping.rules.1.attribute", "groups");
        overrides.put("auth.providers.0.role-mapping.rules.1.value", Keycloak.ADMINS);
        overrides.put("auth.providers.0.role-mapping.rules.1.role", "admin");
        return overrides;
    }

    @BeforeAll
    static void start() {
        server = TestServers.start(SharedPostgres.newDatabase("sso_keycloak"), TestServers.newClusterName(),
                keycloakProvider(Keycloak.get()), java.time.Clock.systemUTC());
        api = new ApiClient(server);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** The console's side of one sign-in: its loopback URI, state and PKCE pair. */
    record Console(String redirectUri, String state, String verifier) {
        static Console fresh() {
            return new Console("http://127.0.0.1:" + TestServers.freePort() + "/callback", token(), token());
        }

        String challenge() {
            return SsoBroker.s256(verifier);
        }

        String startPath(String provider) {
            return "/auth/sso/" + provider + "/start?redirect_uri=" + encode(redirectUri) + "&state=" + state
                    + "&code_challenge=" + challenge() + "&code_challenge_method=S256";
        }

        boolean isLoopback(URI uri) {
            return uri.toString().startsWith(redirectUri + "?");
        }
    }

    static String token() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    static Browser browserFor(PgAnalyticsServer node) {
        return new Browser(ApiClient.trusting(node.tls().orElseThrow().leaf()));
    }

    /**
     * Runs the browser from the start URL through Keycloak's login to the redirect to this server's callback, and
     * returns that callback URL (not yet requested).
     */
    static URI throughKeycloak(Browser browser, PgAnalyticsServer node, Console console, Keycloak.User user) {
        Browser.Page started = browser.get(URI.create(node.apiUrl() + console.startPath(PROVIDER)));
        assertEquals(302, started.status(), started.body());
        assertTrue(started.location().orElseThrow().toString().startsWith(Keycloak.get().issuer()), started.location()::toString);
        Browser.Page login = browser.follow(started, uri -> false);
        assertEquals(200, login.status(), login.body());
        Browser.Page answer = browser.keycloakLogin(login, user.username, user.password);
        assertTrue(answer.isRedirect(), () -> "Keycloak did not redirect: " + answer.status() + " " + answer.body());
        URI callback = answer.location().orElseThrow();
        assertTrue(callback.getPath().endsWith("/auth/sso/" + PROVIDER + "/callback"), callback::toString);
        return callback;
    }

    /** The whole browser part: start, Keycloak, callback; returns the captured loopback redirect. */
    static URI signInAtBrowser(Browser browser, PgAnalyticsServer node, Console console, Keycloak.User user) {
        URI callback = throughKeycloak(browser, node, console, user);
        Browser.Page loopback = browser.get(callback);
        assertEquals(302, loopback.status(), loopback.body());
        URI location = loopback.location().orElseThrow();
        assertTrue(console.isLoopback(location), location::toString);
        return location;
    }

    static ApiClient.Response trade(ApiClient client, String code, String verifier, String redirectUri) {
        Map<String, String> body = new HashMap<>();
        body.put("code", code);
        body.put("codeVerifier", verifier);
        body.put("redirectUri", redirectUri);
        return client.post("/auth/sso/token", null, body);
    }

    @Test
    void anOidcUserSignsInFromTheConsoleWithRolesFromKeycloakGroups() {
        Console console = Console.fresh();
        URI loopback = signInAtBrowser(browserFor(server), server, console, Keycloak.User.OLIVIA);
        Map<String, String> query = Browser.query(loopback);
        assertEquals(console.state(), query.get("state"));
        assertNull(query.get("error"), loopback::toString);

        ApiClient.Response tokens = trade(api, query.get("code"), console.verifier(), console.redirectUri());
        assertEquals(200, tokens.status(), tokens.body());
        String accessToken = tokens.json().get("accessToken").asText();
        JsonNode me = api.get("/auth/me", accessToken).json();
        assertEquals("olivia", me.path("username").asText(), me::toString);
        assertEquals("[\"operator\"]", me.path("roles").toString(), me::toString);

        Console adminConsole = Console.fresh();
        URI adminLoopback = signInAtBrowser(browserFor(server), server, adminConsole, Keycloak.User.ADAM);
        ApiClient.Response adminTokens = trade(api, Browser.query(adminLoopback).get("code"), adminConsole.verifier(), adminConsole.redirectUri());
        assertEquals(200, adminTokens.status(), adminTokens.body());
        assertEquals("[\"admin\"]", api.get("/auth/me", adminTokens.json().get("accessToken").asText()).json().path("roles").toString());
    }

    @Test
    void aPersonInNoMappedGroupIsSentBackToTheConsoleWithAccessDenied() {
        Console console = Console.fresh();
        URI loopback = signInAtBrowser(browserFor(server), server, console, Keycloak.User.NORA);
        Map<String, String> query = Browser.query(loopback);
        assertEquals("access_denied", query.get("error"), loopback::toString);
        assertEquals(console.state(), query.get("state"));
        assertNull(query.get("code"));
        assertTrue(query.get("error_description").contains("no role"), query::toString);
    }

    @Test
    void aCallbackWithAWrongStateIsRefused() {
        Console console = Console.fresh();
        Browser browser = browserFor(server);
        URI callback = throughKeycloak(browser, server, console, Keycloak.User.OLIVIA);
        Map<String, String> query = Browser.query(callback);
        URI forged = URI.create(server.apiUrl() + "/auth/sso/" + PROVIDER + "/callback?code=" + encode(query.get("code"))
                + "&state=" + token());
        Browser.Page refused = browser.get(forged);
        assertEquals(400, refused.status(), refused.body());
        assertTrue(refused.location().isEmpty());
        assertTrue(refused.body().contains("unknown, expired or already finished"), refused.body());
        // the real flow is untouched by the forged answer
        Browser.Page loopback = browser.get(callback);
        assertTrue(console.isLoopback(loopback.location().orElseThrow()));
    }

    @Test
    void aSecondRequestForTheSameFlowIsRefused() {
        Console console = Console.fresh();
        Browser browser = browserFor(server);
        URI callback = throughKeycloak(browser, server, console, Keycloak.User.OLIVIA);
        Browser.Page first = browser.get(callback);
        assertTrue(console.isLoopback(first.location().orElseThrow()));
        // the same answer again, from the same browser and from another one (a replayed IdP code)
        for (Browser again : List.of(browser, browserFor(server))) {
            Browser.Page second = again.get(callback);
            assertEquals(400, second.status(), second.body());
            assertTrue(second.location().isEmpty(), "no second code is sent to any loopback");
        }
    }

    @Test
    void aOneTimeCodeIsGoodOnce() {
        Console console = Console.fresh();
        String code = Browser.query(signInAtBrowser(browserFor(server), server, console, Keycloak.User.OLIVIA)).get("code");
        assertEquals(200, trade(api, code, console.verifier(), console.redirectUri()).status());
        ApiClient.Response replayed = trade(api, code, console.verifier(), console.redirectUri());
        assertEquals(401, replayed.status(), replayed.body());
        assertTrue(replayed.body().contains("already used"), replayed.body());
    }

    @Test
    void aCodeWithAMissingOrWrongVerifierOrRedirectGivesNoTokens() {
        Console console = Console.fresh();
        String code = Browser.query(signInAtBrowser(browserFor(server), server, console, Keycloak.User.OLIVIA)).get("code");
        ApiClient.Response missing = trade(api, code, null, console.redirectUri());
        assertEquals(400, missing.status(), missing.body());
        ApiClient.Response wrong = trade(api, code, token(), console.redirectUri());
        assertEquals(401, wrong.status(), wrong.body());
        assertFalse(wrong.body().contains("accessToken"));
        // one attempt per code: after a wrong verifier, even the right one gets nothing
        ApiClient.Response afterwards = trade(api, code, console.verifier(), console.redirectUri());
        assertEquals(401, afterwards.status(), afterwards.body());

        Console other = Console.fresh();
        String otherCode = Browser.query(signInAtBrowser(browserFor(server), server, other, Keycloak.User.OLIVIA)).get("code");
        ApiClient.Response wrongRedirect = trade(api, otherCode, other.verifier(), "http://127.0.0.1:1/elsewhere");
        assertEquals(401, wrongRedirect.status(), wrongRedirect.body());
        assertTrue(wrongRedirect.body().contains("redirect URI"), wrongRedirect.body());
    }

    @Test
    void aRedirectUriNotOnTheLoopbackIsRefusedBeforeAnyFlowStarts() {
        Browser browser = browserFor(server);
        for (String redirect : List.of("https://evil.example/callback", "http://127.0.0.1.evil/callback",
                "http://127.0.0.1.evil:8080/callback", "http://localhost:8080/callback", "http://127.0.0.1/callback",
                "http://127.0.0.1:8080@evil.example/callback", "https://127.0.0.1:8080/callback",
                "http://127.0.0.1:8080/callback#fragment", "http://127.0.0.1:8080/callback?next=https://evil.example",
                "http://[::2]:8080/callback", "http://10.0.0.1:8080/callback", "javascript:alert(1)", "//evil.example/x",
                "http://127.0.0.1:99999/callback", "http://127.0.0.1:8080")) {
            Console console = new Console(redirect, token(), token());
            Browser.Page refused = browser.get(URI.create(server.apiUrl() + console.startPath(PROVIDER)));
            assertEquals(400, refused.status(), redirect + ": " + refused.body());
            assertTrue(refused.location().isEmpty(), redirect);
            assertTrue(refused.body().contains("redirect_uri"), refused.body());
        }
        Console good = Console.fresh();
        for (String query : List.of(
                "redirect_uri=" + encode(good.redirectUri()) + "&state=" + good.state() + "&code_challenge=" + good.challenge() + "&code_challenge_method=plain",
                "redirect_uri=" + encode(good.redirectUri()) + "&state=" + good.state() + "&code_challenge=" + good.challenge(),
                "redirect_uri=" + encode(good.redirectUri()) + "&code_challenge=" + good.challenge() + "&code_challenge_method=S256",
                "redirect_uri=" + encode(good.redirectUri()) + "&state=" + good.state() + "&code_challenge=short&code_challenge_method=S256")) {
            Browser.Page refused = browser.get(URI.create(server.apiUrl() + "/auth/sso/" + PROVIDER + "/start?" + query));
            assertEquals(400, refused.status(), query + ": " + refused.body());
        }
        Browser.Page unknown = browser.get(URI.create(server.apiUrl() + good.startPath("no-such-provider")));
        assertEquals(404, unknown.status(), unknown.body());
        assertNotNull(good.redirectUri());
        // the IPv6 loopback is a loopback
        Console v6 = new Console("http://[::1]:" + TestServers.freePort() + "/callback", token(), token());
        Browser.Page started = browser.get(URI.create(server.apiUrl() + v6.startPath(PROVIDER)));
        assertEquals(302, started.status(), started.body());
    }
}
