package io.pganalytics.server.auth.sso;

import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.Browser;
import io.pganalytics.server.testing.Keycloak;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Behind a load balancer: a sign-in started on one node is finished on the other, and its code traded on either. */
class SsoTwoNodeTest {
    private static TestServers.TwoNodes nodes;

    @BeforeAll
    static void start() {
        Map<String, String> provider = SsoKeycloakTest.keycloakProvider(Keycloak.get());
        nodes = TestServers.startTwo(SharedPostgres.newDatabase("sso_two_nodes"), provider, provider);
    }

    @AfterAll
    static void stop() {
        if (nodes != null) {
            nodes.a().close();
            nodes.b().close();
        }
    }

    @Test
    void aFlowStartedOnOneNodeIsFinishedOnTheOther() {
        SsoKeycloakTest.Console console = SsoKeycloakTest.Console.fresh();
        Browser browser = SsoKeycloakTest.browserFor(nodes.a());
        URI callbackAtA = SsoKeycloakTest.throughKeycloak(browser, nodes.a(), console, Keycloak.User.OLIVIA);
        // the balancer sends the browser's next request, the IdP's answer, to node B
        URI callbackAtB = URI.create(nodes.b().apiUrl() + callbackAtA.getPath().substring(callbackAtA.getPath().indexOf("/auth/sso/"))
                + "?" + callbackAtA.getRawQuery());
        Browser.Page loopback = SsoKeycloakTest.browserFor(nodes.b()).get(callbackAtB);
        assertEquals(302, loopback.status(), loopback.body());
        URI location = loopback.location().orElseThrow();
        assertTrue(console.isLoopback(location), location::toString);

        ApiClient atA = new ApiClient(nodes.a());
        ApiClient.Response tokens = SsoKeycloakTest.trade(atA, Browser.query(location).get("code"), console.verifier(), console.redirectUri());
        assertEquals(200, tokens.status(), tokens.body());
        assertEquals("olivia", atA.get("/auth/me", tokens.json().get("accessToken").asText()).json().path("username").asText());
        // and the flow is gone on both nodes
        assertEquals(400, browser.get(callbackAtA).status());
    }
}
