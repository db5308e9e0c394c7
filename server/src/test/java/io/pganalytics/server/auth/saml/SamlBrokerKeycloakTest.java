package io.pganalytics.server.auth.saml;

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
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SAML sign-in from the console through the SSO broker of a real server node (HTTPS) and the real Keycloak: the start
 * URL redirects to Keycloak with an AuthnRequest, Keycloak's login form and its auto-POST form are followed by a
 * hand-driven browser, the server's ACS checks the Response and redirects to the console's loopback with a one-time
 * code, and the code buys tokens whose {@code /auth/me} roles come from the Keycloak groups.
 */
class SamlBrokerKeycloakTest {
    static final String PROVIDER = "keycloak-saml";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static PgAnalyticsServer server;
    private static ApiClient api;

    @BeforeAll
    static void start() {
        Keycloak keycloak = Keycloak.get();
        Map<String, String> overrides = new HashMap<>();
        overrides.put("auth.providers.0.name", PROVIDER);
        overrides.put("auth.providers.0.kind", "saml");
        overrides.put("auth.providers.0.display-name", "Keycloak (SAML)");
        overrides.put("auth.providers.0.settings.idpMetadataUrl", keycloak.samlMetadataUrl());
        overrides.put("auth.providers.0.settings.spEntityId", Keycloak.SAML_CLIENT);
        overrides.put("auth.providers.0.settings.wantAssertionsSigned", "true");
        overrides.put("auth.providers.0.settings.groupsAttribute", "groups");
        overrides.put("auth.providers.0.settings.emailAttribute", "email");
        overrides.put("auth.providers.0.role-mapping.rules.0.attribute", "groups");
        overrides.put("auth.providers.0.role-mapping.rules.0.value", Keycloak.OPERATORS);
        overrides.put("auth.providers.0.role-mapping.rules.0.role", "operator");
        overrides.put("auth.providers.0.role-mapping.rules.1.attribute", "groups");
        overrides.put("auth.providers.0.role-mapping.rules.1.value", Keycloak.ADMINS);
        overrides.put("auth.providers.0.role-mapping.rules.1.role", "admin");
        server = TestServers.start(SharedPostgres.newDatabase("saml_broker"), TestServers.newClusterName(), overrides, Clock.systemUTC());
        api = new ApiClient(server);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** The console's side of one sign-in: its loopback URI, state and PKCE verifier. */
    record Console(String redirectUri, String state, String verifier) {
        static Console fresh() {
            return new Console("http://127.0.0.1:" + TestServers.freePort() + "/callback", random(), random());
        }

        String startPath() throws Exception {
            String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
            return "/auth/sso/" + PROVIDER + "/start?redirect_uri=" + URLEncoder.encode(redirectUri, StandardCharsets.UTF_8)
                    + "&state=" + state + "&code_challenge=" + challenge + "&code_challenge_method=S256";
        }
    }

    static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static Browser browser() {
        return new Browser(ApiClient.trusting(server.tls().orElseThrow().leaf()));
    }

    /** Start, Keycloak's login, and Keycloak's auto-POST form to our ACS (returned, not yet submitted). */
    static Browser.Form throughKeycloak(Browser browser, Console console, Keycloak.User user) throws Exception {
        Browser.Page started = browser.get(URI.create(server.apiUrl() + console.startPath()));
        assertEquals(302, started.status(), started.body());
        URI toIdp = started.location().orElseThrow();
        assertTrue(toIdp.toString().startsWith(Keycloak.get().issuer() + "/protocol/saml?SAMLRequest="), toIdp::toString);
        Browser.Page login = browser.follow(started, uri -> false);
        assertEquals(200, login.status(), login.body());
        Browser.Page autoPost = browser.keycloakLogin(login, user.username, user.password);
        assertEquals(200, autoPost.status(), autoPost.body());
        Browser.Form form = autoPost.form(null);
        assertEquals(URI.create(server.apiUrl() + "/auth/sso/" + PROVIDER + "/callback"), form.action());
        assertTrue(form.fields().containsKey("SAMLResponse"), form.fields()::toString);
        return form;
    }

    @Test
    void aSamlUserSignsInFromTheConsoleWithRolesFromKeycloakGroups() throws Exception {
        Console console = Console.fresh();
        Browser browser = browser();
        Browser.Form form = throughKeycloak(browser, console, Keycloak.User.OLIVIA);
        Browser.Page acs = browser.submit(form);
        assertEquals(302, acs.status(), acs.body());
        URI loopback = acs.location().orElseThrow();
        assertTrue(loopback.toString().startsWith(console.redirectUri() + "?"), loopback::toString);
        Map<String, String> query = Browser.query(loopback);
        assertEquals(console.state(), query.get("state"));
        assertNull(query.get("error"), loopback::toString);

        Map<String, String> body = Map.of("code", query.get("code"), "codeVerifier", console.verifier(), "redirectUri", console.redirectUri());
        ApiClient.Response tokens = api.post("/auth/sso/token", null, body);
        assertEquals(200, tokens.status(), tokens.body());
        JsonNode me = api.get("/auth/me", tokens.json().get("accessToken").asText()).json();
        assertEquals("olivia", me.path("username").asText(), me::toString);
        assertEquals("[\"operator\"]", me.path("roles").toString(), me::toString);

        // the same POST again (a replayed SAML response): refused, no second code
        Browser.Page again = browser.submit(form);
        assertEquals(400, again.status(), again.body());
        assertTrue(again.location().isEmpty());
    }

    @Test
    void aSamlUserInNoMappedGroupIsSentBackToTheConsoleWithAccessDenied() throws Exception {
        Console console = Console.fresh();
        Browser browser = browser();
        Browser.Page acs = browser.submit(throughKeycloak(browser, console, Keycloak.User.NORA));
        Map<String, String> query = Browser.query(acs.location().orElseThrow());
        assertEquals("access_denied", query.get("error"), query::toString);
        assertNull(query.get("code"));
        assertTrue(query.get("error_description").contains("no role mapping rule matches nora"), query::toString);
    }

    @Test
    void aForgedResponseAtTheAcsIsSentBackWithAccessDenied() throws Exception {
        Console console = Console.fresh();
        Browser browser = browser();
        Browser.Form form = throughKeycloak(browser, console, Keycloak.User.OLIVIA);
        String xml = new String(Base64.getDecoder().decode(form.fields().get("SAMLResponse")), StandardCharsets.UTF_8);
        String forged = Base64.getEncoder().encodeToString(xml.replace(">olivia<", ">adam<").getBytes(StandardCharsets.UTF_8));
        Browser.Page acs = browser.submit(form.with("SAMLResponse", forged));
        Map<String, String> query = Browser.query(acs.location().orElseThrow());
        assertEquals("access_denied", query.get("error"), query::toString);
        assertTrue(query.get("error_description").contains("was changed after it was signed"), query::toString);
    }

    @Test
    void theServerServesItsSpMetadata() {
        ApiClient.Response metadata = api.get("/auth/sso/" + PROVIDER + "/metadata", null);
        assertEquals(200, metadata.status(), metadata.body());
        assertTrue(metadata.header("Content-Type").orElseThrow().startsWith("application/samlmetadata+xml"));
        assertTrue(metadata.body().contains("entityID=\"" + Keycloak.SAML_CLIENT + "\""), metadata.body());
        assertTrue(metadata.body().contains("Location=\"" + server.apiUrl() + "/auth/sso/" + PROVIDER + "/callback\""), metadata.body());
    }
}
