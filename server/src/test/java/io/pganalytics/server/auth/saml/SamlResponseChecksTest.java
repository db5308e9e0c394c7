package io.pganalytics.server.auth.saml;

import com.sun.net.httpserver.HttpServer;
import io.pganalytics.common.auth.Role;
import io.pganalytics.server.auth.ExternalIdentity;
import io.pganalytics.server.auth.provider.ProviderContext;
import io.pganalytics.server.auth.provider.ProviderDefinition;
import io.pganalytics.server.auth.provider.RoleMapping;
import io.pganalytics.server.cluster.ClusterModule;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.testing.HazelcastMembers;
import io.pganalytics.server.testing.ManualClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every check of a SAML Response against responses this test builds and signs itself with a test IdP key: the one
 * that passes, and each attack of issue 12 refused with a message that names it. Real Hazelcast (two members: the
 * replay cache is the cluster's), the JDK's XML signatures, a manual clock.
 */
class SamlResponseChecksTest {
    static final URI CALLBACK = URI.create("https://pga.example.test/api/v1/auth/sso/corp/callback");
    static final String ACS = CALLBACK.toString();
    static final String SP = "https://pga.example.test/api/v1/auth/sso/corp/metadata";
    static final String REQUEST = "_request1";

    static HazelcastMembers members;
    static ClusterModule node0;
    static ClusterModule node1;
    static TestIdp idp;
    static TestIdp evil;

    final ManualClock clock = ManualClock.startingNow();
    SamlProvider provider;
    @TempDir
    Path dataDir;

    @BeforeAll
    static void cluster() {
        members = new HazelcastMembers(2);
        node0 = members.start(0, 1);
        node1 = members.start(1, 2);
        idp = new TestIdp("pga test idp");
        evil = new TestIdp("pga test idp");
    }

    @AfterAll
    static void stop() {
        if (node1 != null) {
            node1.close();
        }
        if (node0 != null) {
            node0.close();
        }
    }

    @BeforeEach
    void provider() {
        provider = provider(node0, Map.of());
    }

    SamlProvider provider(ClusterModule node, Map<String, Object> extra) {
        Map<String, Object> settings = new HashMap<>(Map.of("idpEntityId", TestIdp.ENTITY_ID,
                "idpSsoUrl", "https://idp.example.test/sso", "idpCertificate", idp.pem(),
                "groupsAttribute", "member", "emailAttribute", "email",
                "trustProviderMfa", List.of("https://refeds.org/profile/mfa")));
        settings.putAll(extra);
        ProviderDefinition definition = new ProviderDefinition("corp", "saml", "Corp", true, settings, Map.of(),
                new RoleMapping(List.of(new RoleMapping.Rule(RoleMapping.GROUPS, "dba", Role.OPERATOR),
                        new RoleMapping.Rule("member", "auditors", Role.AUDITOR)), null));
        return (SamlProvider) new SamlKind().create(definition, new ProviderContext(node.hazelcast(), clock, dataDir));
    }

    TestIdp.Fields fields() {
        return new TestIdp.Fields(ACS, SP, REQUEST, clock.instant());
    }

    ExternalIdentity finish(SamlProvider p, String encoded) {
        return p.finish(Map.of("SAMLResponse", encoded, "RelayState", "flow1"), Map.of(SamlProvider.KEPT_REQUEST_ID, REQUEST), CALLBACK);
    }

    void refused(String encoded, String expected) {
        ApiException e = assertThrows(ApiException.class, () -> finish(provider, encoded));
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
        assertTrue(e.getMessage().startsWith("SAML sign-in with corp refused: "), e.getMessage());
    }

    String signedWith(Consumer<TestIdp.Fields> bend) {
        TestIdp.Fields f = fields();
        bend.accept(f);
        return idp.signed(f, true, true);
    }

    @Test
    void signedResponseSignsInWithMappedRolesAndGroups() {
        ExternalIdentity identity = finish(provider, idp.signed(fields(), false, true));
        assertEquals("alice", identity.username());
        assertEquals("alice", identity.subject());
        assertEquals("alice@example.test", identity.email());
        assertEquals(Set.of(Role.OPERATOR), identity.roles());
        assertEquals(Set.of("dba"), identity.groups());
        assertEquals(Set.of("fed"), identity.authMethods());
    }

    @Test
    void signedAssertionAloneSignsIn() {
        assertEquals("alice", finish(provider, idp.signed(fields(), true, false)).username());
    }

    @Test
    void mfaContextTrustedByConfigurationCountsAsMfa() {
        ExternalIdentity identity = finish(provider, signedWith(f -> f.authnContext = "https://refeds.org/profile/mfa"));
        assertEquals(Set.of("fed", "mfa"), identity.authMethods());
    }

    @Test
    void mfaAttributeTrustedByConfigurationCountsAsMfa() {
        provider = provider(node0, Map.of("mfaAttribute", "member", "trustProviderMfa", List.of("mfa-done")));
        assertEquals(Set.of("fed", "mfa"), finish(provider, signedWith(f -> f.groups = List.of("dba", "mfa-done"))).authMethods());
        assertEquals(Set.of("fed"), finish(provider, signedWith(f -> f.groups = List.of("dba"))).authMethods());
    }

    @Test
    void unsignedResponseAndAssertionAreRefused() {
        TestIdp.Fields f = fields();
        refused(TestIdp.encode(TestIdp.responseXml(f, TestIdp.assertionXml(f))), "neither the Response nor its Assertion is signed");
    }

    @Test
    void onlyResponseSignedIsRefusedWhenAssertionsMustBeSigned() {
        provider = provider(node0, Map.of("wantAssertionsSigned", true));
        refused(idp.signed(fields(), false, true), "the Assertion is not signed");
    }

    @Test
    void signedAssertionMovedAsideForAnEvilOneIsRefused() {
        // XSW: the IdP's signed assertion is kept (in Extensions) so that its signature still verifies, and an
        // unsigned assertion for "admin" takes its place
        TestIdp.Fields f = fields();
        Document genuine = TestIdp.parse(TestIdp.assertionXml(f));
        idp.sign(genuine.getDocumentElement(), true);
        TestIdp.Fields forged = fields();
        forged.nameId = "admin";
        forged.groups = List.of("admins");
        String xml = TestIdp.responseXml(f, "<samlp:Extensions>" + TestIdp.serialize(genuine) + "</samlp:Extensions>"
                + TestIdp.assertionXml(forged));
        refused(TestIdp.encode(xml), "holds 2 Assertion elements");
    }

    @Test
    void evilAssertionWrappingTheSignedOneIsRefused() {
        // XSW: the forged assertion carries the genuine signed one inside it (in the Subject's place of an extension)
        TestIdp.Fields f = fields();
        Document genuine = TestIdp.parse(TestIdp.assertionXml(f));
        idp.sign(genuine.getDocumentElement(), true);
        TestIdp.Fields forged = fields();
        forged.nameId = "admin";
        String forgedXml = TestIdp.assertionXml(forged).replace("</saml:Assertion>", TestIdp.serialize(genuine) + "</saml:Assertion>");
        refused(TestIdp.encode(TestIdp.responseXml(f, forgedXml)), "holds 2 Assertion elements");
    }

    @Test
    void signedResponseCopiedIntoTheSignatureObjectIsRefused() {
        // XSW1-style: a forged, unsigned Response whose signature element carries the genuine signed Response
        Document genuine = TestIdp.parse(TestIdp.responseXml(fields(), TestIdp.assertionXml(fields())));
        idp.sign(genuine.getDocumentElement(), true);
        Document forged = TestIdp.parse(TestIdp.responseXml(fields(), TestIdp.assertionXml(fields())));
        Element signature = (Element) forged.importNode(TestIdp.element(genuine, "Signature"), true);
        Element object = forged.createElementNS(SafeXml.DSIG, "ds:Object");
        object.appendChild(forged.importNode(genuine.getDocumentElement(), true));
        signature.appendChild(object);
        forged.getDocumentElement().insertBefore(signature, TestIdp.element(forged, "Status"));
        refused(TestIdp.encode(forged), "holds 2 Assertion elements");
    }

    @Test
    void signatureOverAnotherElementThanTheOneReadIsRefused() {
        // one assertion only, but the Response's signature covers an Extensions element, not the Response
        TestIdp.Fields f = fields();
        Document document = TestIdp.parse(TestIdp.responseXml(f, "<samlp:Extensions ID=\"_ext\"/>" + TestIdp.assertionXml(f)));
        idp.sign(TestIdp.element(document, "Extensions"), document.getDocumentElement(), true);
        refused(TestIdp.encode(document), "covers #_ext, not the Response it sits on");
    }

    @Test
    void signatureInsideTheAssertionButNotOnItIsRefused() {
        TestIdp.Fields f = fields();
        Document document = TestIdp.parse(TestIdp.responseXml(f, TestIdp.assertionXml(f)));
        Element assertion = TestIdp.element(document, "Assertion");
        idp.sign(assertion, TestIdp.element(document, "Subject"), true);
        refused(TestIdp.encode(document), "a signature sits inside Subject");
    }

    @Test
    void duplicateIdsAreRefused() {
        TestIdp.Fields f = fields();
        Document document = TestIdp.parse(TestIdp.responseXml(f, "<samlp:Extensions ID=\"" + f.assertionId + "\"/>" + TestIdp.assertionXml(f)));
        idp.sign(TestIdp.element(document, "Assertion"), true);
        refused(TestIdp.encode(document), "two elements share the ID " + f.assertionId);
    }

    @Test
    void contentChangedAfterSigningIsRefused() {
        Document document = TestIdp.parse(TestIdp.responseXml(fields(), TestIdp.assertionXml(fields())));
        idp.sign(document.getDocumentElement(), true);
        TestIdp.element(document, "NameID").setTextContent("admin");
        refused(TestIdp.encode(document), "was changed after it was signed");
    }

    @Test
    void signatureByAnotherKeyIsRefused() {
        TestIdp.Fields f = fields();
        Document document = TestIdp.parse(TestIdp.responseXml(f, TestIdp.assertionXml(f)));
        evil.sign(document.getDocumentElement(), false);
        refused(TestIdp.encode(document), "does not verify with the IdP's certificate (signed by another key)");
    }

    @Test
    void certificateInKeyInfoThatIsNotTheIdpsIsNeverTrusted() {
        // the attacker signs with their own key and ships its certificate (same subject name) in KeyInfo
        refused(evil.signed(fields(), true, true), "its KeyInfo carries another certificate (subject CN=pga test idp)");
    }

    @Test
    void externalEntityIsRefusedBeforeAnyFetch() throws Exception {
        AtomicInteger fetched = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            fetched.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        try {
            TestIdp.Fields f = fields();
            f.nameId = "&xxe;";
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/secret";
            String xml = "<?xml version=\"1.0\"?><!DOCTYPE samlp:Response [<!ENTITY xxe SYSTEM \"" + url + "\">]>"
                    + TestIdp.responseXml(f, TestIdp.assertionXml(f));
            refused(TestIdp.encode(xml), "contains a DOCTYPE declaration: DTDs and entities are refused");
            String external = "<?xml version=\"1.0\"?><!DOCTYPE samlp:Response SYSTEM \"" + url + "\">"
                    + TestIdp.responseXml(f, TestIdp.assertionXml(fields()));
            refused(TestIdp.encode(external), "contains a DOCTYPE declaration");
            assertEquals(0, fetched.get(), "the parser fetched the external entity or DTD");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void billionLaughsIsRefusedBeforeExpansion() {
        StringBuilder dtd = new StringBuilder("<!DOCTYPE lolz [<!ENTITY lol0 \"lol\">");
        for (int i = 1; i <= 9; i++) {
            dtd.append("<!ENTITY lol").append(i).append(" \"")
                    .append(("&lol" + (i - 1) + ";").repeat(10)).append("\">");
        }
        dtd.append("]>");
        TestIdp.Fields f = fields();
        f.nameId = "&lol9;";
        refused(TestIdp.encode(dtd + TestIdp.responseXml(f, TestIdp.assertionXml(f))), "contains a DOCTYPE declaration");
    }

    @Test
    void replayedAssertionIsRefusedOnThisNodeAndOnAnother() {
        String response = idp.signed(fields(), true, true);
        assertEquals("alice", finish(provider, response).username());
        refused(response, "was already used: a SAML response signs in once (replay refused)");
        SamlProvider otherNode = provider(node1, Map.of());
        ApiException e = assertThrows(ApiException.class, () -> finish(otherNode, response));
        assertTrue(e.getMessage().contains("replay refused"), e.getMessage());
    }

    @Test
    void wrongAudienceIsRefused() {
        refused(signedWith(f -> f.audience = "https://other.example.test/sp"), "is meant for https://other.example.test/sp, not for this service");
    }

    @Test
    void wrongRecipientIsRefused() {
        refused(signedWith(f -> f.recipient = "https://evil.example.test/acs"), "the SubjectConfirmation's Recipient is https://evil.example.test/acs");
    }

    @Test
    void wrongDestinationIsRefused() {
        refused(signedWith(f -> f.destination = "https://evil.example.test/acs"), "the Response's Destination is https://evil.example.test/acs");
    }

    @Test
    void expiredConditionsAreRefused() {
        refused(signedWith(f -> f.notOnOrAfter = clock.instant().minusSeconds(61)), "the Assertion has expired");
    }

    @Test
    void expiredSubjectConfirmationIsRefused() {
        refused(signedWith(f -> f.confirmationNotOnOrAfter = clock.instant().minusSeconds(61)), "the SubjectConfirmation has expired");
    }

    @Test
    void notYetValidConditionsAreRefused() {
        refused(signedWith(f -> f.notBefore = clock.instant().plusSeconds(61)), "the Assertion is not valid yet");
    }

    @Test
    void clockSkewWithinTheBoundIsTolerated() {
        String response = signedWith(f -> f.notBefore = clock.instant().plusSeconds(59));
        assertEquals("alice", finish(provider, response).username());
    }

    @Test
    void responseStillRefusedOnceTheClockPassesItsValidity() {
        String response = idp.signed(fields(), true, true);
        clock.advance(Duration.ofMinutes(6).plusSeconds(1));
        refused(response, "has expired");
    }

    @Test
    void wrongInResponseToIsRefused() {
        refused(signedWith(f -> f.inResponseTo = "_someone-elses-request"), "answers request _someone-elses-request, not this sign-in's request _request1");
    }

    @Test
    void wrongIssuerIsRefused() {
        refused(signedWith(f -> f.assertionIssuer = "https://evil.example.test"), "the Assertion's Issuer is https://evil.example.test, not the IdP");
        refused(signedWith(f -> f.responseIssuer = "https://evil.example.test"), "the Response's Issuer is https://evil.example.test");
    }

    @Test
    void unsuccessfulStatusIsRefused() {
        refused(signedWith(f -> f.status = "urn:oasis:names:tc:SAML:2.0:status:Responder"), "did not sign the person in: status Responder");
    }

    @Test
    void transientNameIdIsRefusedAsTheSubject() {
        TestIdp.Fields f = fields();
        Document document = TestIdp.parse(TestIdp.responseXml(f, TestIdp.assertionXml(f)
                .replace("nameid-format:unspecified", "").replace("urn:oasis:names:tc:SAML:1.1:\"", "urn:oasis:names:tc:SAML:2.0:nameid-format:transient\"")));
        idp.sign(document.getDocumentElement(), true);
        refused(TestIdp.encode(document), "a transient NameID");
    }

    @Test
    void personNoRuleMapsIsRefused() {
        refused(signedWith(f -> f.groups = List.of("marketing")), "no role mapping rule matches alice");
    }

    @Test
    void garbageIsRefusedClearly() {
        refused("not base64 at all!", "the SAMLResponse is not base64");
        refused(TestIdp.encode("<samlp:Response"), "is not well-formed XML");
        refused(TestIdp.encode("<samlp:LogoutRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\"/>"), "not a SAML 2.0 Response");
        ApiException missing = assertThrows(ApiException.class, () -> provider.finish(Map.of(), Map.of(SamlProvider.KEPT_REQUEST_ID, REQUEST), CALLBACK));
        assertTrue(missing.getMessage().contains("no SAMLResponse"), missing.getMessage());
    }
}
