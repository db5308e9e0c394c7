package io.pganalytics.server.auth.oidc;

import io.pganalytics.common.auth.Role;
import io.pganalytics.server.auth.AuthMethods;
import io.pganalytics.server.auth.ExternalIdentity;
import io.pganalytics.server.auth.provider.BrowserProvider;
import io.pganalytics.server.auth.provider.ProviderContext;
import io.pganalytics.server.auth.provider.ProviderDefinition;
import io.pganalytics.server.auth.provider.RoleMapping;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.testing.Browser;
import io.pganalytics.server.testing.Keycloak;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link OidcProvider} against the real Keycloak: test connection, a flow, and Keycloak's own refusal of a replayed code. */
class OidcKeycloakTest {
    private static BrowserProvider provider(Map<String, Object> extra) {
        Map<String, Object> settings = new java.util.HashMap<>(Map.of("issuer", Keycloak.get().issuer(), "clientId", Keycloak.OIDC_CLIENT));
        settings.putAll(extra);
        ProviderDefinition definition = new ProviderDefinition("keycloak", OidcKind.KIND, "Keycloak", true, settings,
                Map.of("clientSecret", Keycloak.OIDC_SECRET),
                new RoleMapping(List.of(new RoleMapping.Rule("groups", Keycloak.OPERATORS, Role.OPERATOR)), null));
        return (BrowserProvider) new OidcKind().create(definition, new ProviderContext(null, Clock.systemUTC(), Path.of(".")));
    }

    @Test
    void testConnectionReadsDiscoveryAndTheSigningKeys() {
        String found = provider(Map.of()).test();
        assertTrue(found.contains(Keycloak.get().issuer()) && found.contains("signing key"), found);
    }

    @Test
    void aCodeReplayedAtKeycloakIsRefused() {
        BrowserProvider provider = provider(Map.of());
        URI callback = URI.create("https://127.0.0.1:" + TestServers.freePort() + "/api/v1/auth/sso/keycloak/callback");
        BrowserProvider.BrowserStart start = provider.start("flow-abcdefghijklmnopqrstuvwxyz", callback);
        Browser browser = new Browser();
        Browser.Page answer = browser.keycloakLogin(browser.get(start.redirect()), Keycloak.User.OLIVIA.username, Keycloak.User.OLIVIA.password);
        Map<String, String> parameters = Browser.query(answer.location().orElseThrow());
        assertEquals("flow-abcdefghijklmnopqrstuvwxyz", parameters.get("state"));

        ExternalIdentity identity = provider.finish(parameters, start.kept(), callback);
        assertEquals("olivia", identity.username());
        assertEquals(Set.of(Role.OPERATOR), identity.roles());
        assertEquals(Set.of(Keycloak.OPERATORS), identity.groups());
        assertEquals(Set.of(AuthMethods.FEDERATED), identity.authMethods());

        ApiException replayed = assertThrows(ApiException.class, () -> provider.finish(parameters, start.kept(), callback));
        assertTrue(replayed.getMessage().contains("refused the code (invalid_grant)"), replayed.getMessage());
    }

    @Test
    void keycloaksAcrCountsAsASecondFactorOnlyWhenTrusted() {
        // Keycloak's acr for a password sign-in is "1": trusting it (a test-only choice) marks the identity as MFA
        BrowserProvider provider = provider(Map.of("trustProviderMfa", List.of("1")));
        URI callback = URI.create("https://127.0.0.1:" + TestServers.freePort() + "/api/v1/auth/sso/keycloak/callback");
        BrowserProvider.BrowserStart start = provider.start("flow-0123456789abcdefghijklmn", callback);
        Browser browser = new Browser();
        Browser.Page answer = browser.keycloakLogin(browser.get(start.redirect()), Keycloak.User.OLIVIA.username, Keycloak.User.OLIVIA.password);
        ExternalIdentity identity = provider.finish(Browser.query(answer.location().orElseThrow()), start.kept(), callback);
        assertEquals(Set.of(AuthMethods.FEDERATED, AuthMethods.MULTI_FACTOR), identity.authMethods());
    }
}
