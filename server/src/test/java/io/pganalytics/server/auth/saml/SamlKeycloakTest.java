package io.pganalytics.server.auth.saml;

import io.pganalytics.common.auth.Role;
import io.pganalytics.server.auth.ExternalIdentity;
import io.pganalytics.server.auth.provider.BrowserProvider;
import io.pganalytics.server.auth.provider.ProviderContext;
import io.pganalytics.server.auth.provider.ProviderDefinition;
import io.pganalytics.server.auth.provider.RoleMapping;
import io.pganalytics.server.cluster.ClusterModule;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.testing.Browser;
import io.pganalytics.server.testing.HazelcastMembers;
import io.pganalytics.server.testing.Keycloak;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SAML provider against the real Keycloak of the test suite: metadata fetched from the realm's descriptor, the
 * AuthnRequest sent by HTTP-Redirect, Keycloak's login form and its auto-POST form followed by a hand-driven browser,
 * and the Response (signed by Keycloak, response and assertion) checked and mapped.
 */
class SamlKeycloakTest {
    static ClusterModule node;
    static Keycloak keycloak;
    static SamlProvider provider;
    static final URI CALLBACK = URI.create("http://127.0.0.1:" + TestServers.freePort() + "/api/v1/auth/sso/keycloak/callback");

    @BeforeAll
    static void start() {
        keycloak = Keycloak.get();
        node = HazelcastMembers.single();
        ProviderDefinition definition = new ProviderDefinition("keycloak", "saml", "Keycloak", true, Map.of(
                "idpMetadataUrl", keycloak.samlMetadataUrl(), "spEntityId", Keycloak.SAML_CLIENT,
                "wantAssertionsSigned", true, "groupsAttribute", "groups", "emailAttribute", "email"), Map.of(),
                new RoleMapping(List.of(new RoleMapping.Rule(RoleMapping.GROUPS, Keycloak.OPERATORS, Role.OPERATOR),
                        new RoleMapping.Rule("groups", Keycloak.ADMINS, Role.ADMIN)), null));
        provider = (SamlProvider) new SamlKind().create(definition, new ProviderContext(node.hazelcast(), Clock.systemUTC(), Path.of("target")));
    }

    @AfterAll
    static void stop() {
        if (provider != null) {
            provider.close();
        }
        if (node != null) {
            node.close();
        }
    }

    /** Signs {@code user} in at Keycloak and returns the auto-POST form's fields (SAMLResponse, RelayState). */
    static Map<String, String> signIn(BrowserProvider.BrowserStart start, Keycloak.User user) {
        Browser browser = new Browser();
        Browser.Page login = browser.follow(browser.get(start.redirect()), uri -> false);
        assertEquals(200, login.status(), login.body());
        Browser.Page post = browser.keycloakLogin(login, user.username, user.password);
        assertEquals(200, post.status(), () -> post.status() + " " + post.body());
        Browser.Form form = post.form(null);
        assertEquals(CALLBACK, form.action(), "Keycloak posts to our ACS");
        assertEquals("post", form.method());
        return form.fields();
    }

    @Test
    void keycloakUserSignsInWithRolesFromGroups() {
        BrowserProvider.BrowserStart start = provider.start("flow-olivia", CALLBACK);
        Map<String, String> form = signIn(start, Keycloak.User.OLIVIA);
        assertEquals("flow-olivia", form.get("RelayState"));
        ExternalIdentity identity = provider.finish(form, start.kept(), CALLBACK);
        assertEquals("olivia", identity.username());
        assertEquals("olivia@example.test", identity.email());
        assertEquals(Set.of(Role.OPERATOR), identity.roles());
        assertTrue(identity.groups().contains(Keycloak.OPERATORS), identity.groups()::toString);

        ApiException replay = assertThrows(ApiException.class, () -> provider.finish(form, start.kept(), CALLBACK));
        assertTrue(replay.getMessage().contains("replay refused"), replay.getMessage());
    }

    @Test
    void keycloakResponseToAnotherFlowsRequestIsRefused() {
        BrowserProvider.BrowserStart first = provider.start("flow-a", CALLBACK);
        BrowserProvider.BrowserStart second = provider.start("flow-b", CALLBACK);
        Map<String, String> form = signIn(first, Keycloak.User.ADAM);
        ApiException e = assertThrows(ApiException.class, () -> provider.finish(form, second.kept(), CALLBACK));
        assertTrue(e.getMessage().contains("not this sign-in's request"), e.getMessage());
        assertEquals(Set.of(Role.ADMIN), provider.finish(form, first.kept(), CALLBACK).roles());
    }

    @Test
    void keycloakResponseChangedInTransitIsRefused() {
        BrowserProvider.BrowserStart start = provider.start("flow-tamper", CALLBACK);
        Map<String, String> form = signIn(start, Keycloak.User.OLIVIA);
        String xml = new String(Base64.getDecoder().decode(form.get("SAMLResponse")), StandardCharsets.UTF_8);
        Document document = TestIdp.parse(xml);
        TestIdp.element(document, "NameID").setTextContent("adam");
        ApiException e = assertThrows(ApiException.class, () -> provider.finish(
                Map.of("SAMLResponse", TestIdp.encode(document)), start.kept(), CALLBACK));
        assertTrue(e.getMessage().contains("was changed after it was signed"), e.getMessage());
    }

    @Test
    void keycloakUserInNoMappedGroupIsRefused() {
        BrowserProvider.BrowserStart start = provider.start("flow-nora", CALLBACK);
        ApiException e = assertThrows(ApiException.class, () -> provider.finish(signIn(start, Keycloak.User.NORA), start.kept(), CALLBACK));
        assertTrue(e.getMessage().contains("no role mapping rule matches nora"), e.getMessage());
    }

    @Test
    void testConnectionReadsKeycloaksMetadata() {
        String found = provider.test();
        assertTrue(found.contains("IdP " + keycloak.issuer() + ": single sign-on at " + keycloak.issuer() + "/protocol/saml"), found);
        assertTrue(found.contains("1 signing certificate(s)"), found);
    }
}
