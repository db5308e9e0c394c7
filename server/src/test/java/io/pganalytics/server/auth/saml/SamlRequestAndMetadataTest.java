package io.pganalytics.server.auth.saml;

import io.pganalytics.common.auth.Role;
import io.pganalytics.server.auth.provider.BrowserProvider;
import io.pganalytics.server.auth.provider.ProviderContext;
import io.pganalytics.server.auth.provider.ProviderDefinition;
import io.pganalytics.server.auth.provider.RoleMapping;
import io.pganalytics.server.cluster.ClusterModule;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.testing.Browser;
import io.pganalytics.server.testing.HazelcastMembers;
import io.pganalytics.server.testing.ManualClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Signature;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Inflater;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The AuthnRequest a provider sends, the SP metadata it serves, its settings' checks and its reading of IdP metadata. */
class SamlRequestAndMetadataTest {
    static final URI CALLBACK = URI.create("https://pga.example.test/api/v1/auth/sso/corp/callback");
    static ClusterModule node;
    static TestIdp idp;
    static TestIdp sp;
    final ManualClock clock = ManualClock.startingNow();
    @TempDir
    Path dataDir;

    @BeforeAll
    static void cluster() {
        node = HazelcastMembers.single();
        idp = new TestIdp("pga test idp");
        sp = new TestIdp("pga test sp");
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    SamlProvider provider(Map<String, Object> extra, Map<String, String> secrets) {
        Map<String, Object> settings = new HashMap<>(Map.of("idpEntityId", TestIdp.ENTITY_ID,
                "idpSsoUrl", "https://idp.example.test/sso?tenant=1", "idpCertificate", idp.pem()));
        settings.putAll(extra);
        settings.values().removeIf(v -> v == null || "".equals(v));
        ProviderDefinition definition = new ProviderDefinition("corp", "saml", "Corp", true, settings, secrets,
                new RoleMapping(List.of(), Role.VIEWER));
        return (SamlProvider) new SamlKind().create(definition, new ProviderContext(node.hazelcast(), clock, dataDir));
    }

    static Document inflate(String samlRequest) throws Exception {
        Inflater inflater = new Inflater(true);
        inflater.setInput(Base64.getDecoder().decode(samlRequest));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        while (!inflater.finished()) {
            out.write(buffer, 0, inflater.inflate(buffer));
        }
        inflater.end();
        return TestIdp.parse(out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void startRedirectsWithADeflatedAuthnRequestWhoseIdIsKept() throws Exception {
        BrowserProvider.BrowserStart start = provider(Map.of(), Map.of()).start("flow-1", CALLBACK);
        assertTrue(start.redirect().toString().startsWith("https://idp.example.test/sso?tenant=1&SAMLRequest="), start.redirect()::toString);
        Map<String, String> query = Browser.query(start.redirect());
        assertEquals("flow-1", query.get("RelayState"));
        assertFalse(query.containsKey("Signature"));
        Element request = inflate(query.get("SAMLRequest")).getDocumentElement();
        assertEquals("AuthnRequest", request.getLocalName());
        assertEquals(start.kept().get(SamlProvider.KEPT_REQUEST_ID), request.getAttribute("ID"));
        assertTrue(request.getAttribute("ID").matches("_[0-9a-f]{40}"), request.getAttribute("ID"));
        assertEquals(CALLBACK.toString(), request.getAttribute("AssertionConsumerServiceURL"));
        assertEquals("https://idp.example.test/sso?tenant=1", request.getAttribute("Destination"));
        assertEquals(IdpMetadata.POST_BINDING, request.getAttribute("ProtocolBinding"));
        assertEquals("https://pga.example.test/api/v1/auth/sso/corp/metadata", TestIdp.element(request.getOwnerDocument(), "Issuer").getTextContent());
        String second = provider(Map.of(), Map.of()).start("flow-2", CALLBACK).kept().get(SamlProvider.KEPT_REQUEST_ID);
        assertFalse(second.equals(request.getAttribute("ID")), "each request has its own ID");
    }

    @Test
    void signedAuthnRequestVerifiesWithTheSpCertificate() throws Exception {
        String key = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(sp.keys.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        SamlProvider provider = provider(Map.of("signAuthnRequests", true, "spCertificate", sp.pem()), Map.of("spPrivateKey", key));
        URI redirect = provider.start("flow-1", CALLBACK).redirect();
        String raw = redirect.getRawQuery().substring("tenant=1&".length());
        String signed = raw.substring(0, raw.indexOf("&Signature="));
        Map<String, String> query = Browser.query(redirect);
        assertEquals(AuthnRequests.RSA_SHA256, query.get("SigAlg"));
        Signature verifier = Signature.getInstance("SHA256withRSA");
        verifier.initVerify(sp.certificate.getPublicKey());
        verifier.update(signed.getBytes(StandardCharsets.UTF_8));
        assertTrue(verifier.verify(Base64.getDecoder().decode(query.get("Signature"))), "the redirect's signature verifies with the SP certificate");
        String metadata = provider.metadata(CALLBACK).orElseThrow();
        assertTrue(metadata.contains("AuthnRequestsSigned=\"true\""), metadata);
        assertTrue(metadata.contains(Base64.getEncoder().encodeToString(sp.certificate.getEncoded())), metadata);
    }

    @Test
    void metadataNamesTheEntityIdTheAcsWithThePostBindingAndTheNameIdFormat() {
        String metadata = provider(Map.of("wantAssertionsSigned", true), Map.of()).metadata(CALLBACK).orElseThrow();
        Document document = SafeXml.parse(metadata.getBytes(StandardCharsets.UTF_8), "the SP metadata");
        assertEquals("https://pga.example.test/api/v1/auth/sso/corp/metadata", document.getDocumentElement().getAttribute("entityID"));
        Element acs = TestIdp.element(document, "AssertionConsumerService");
        assertEquals(IdpMetadata.POST_BINDING, acs.getAttribute("Binding"));
        assertEquals(CALLBACK.toString(), acs.getAttribute("Location"));
        assertEquals(SamlSettings.UNSPECIFIED, TestIdp.element(document, "NameIDFormat").getTextContent());
        assertTrue(metadata.contains("WantAssertionsSigned=\"true\""), metadata);
        assertEquals("pga-sp", provider(Map.of("spEntityId", "pga-sp"), Map.of()).metadata(CALLBACK).orElseThrow()
                .lines().filter(l -> l.contains("entityID")).findFirst().orElseThrow().replaceAll(".*entityID=\"([^\"]*)\".*", "$1"));
    }

    @Test
    void settingsAreCheckedAndEachProblemNamesItsSetting() {
        ApiException e = assertThrows(ApiException.class, () -> provider(Map.of("clockSkew", "10m", "signAuthnRequests", true,
                "colour", "blue", "idpMetadataUrl", "http://idp.example.test/metadata"), Map.of()));
        List<String> fields = e.details().stream().map(d -> d.field()).toList();
        assertTrue(fields.containsAll(List.of("settings.clockSkew", "secrets.spPrivateKey", "settings.spCertificate",
                "settings.colour", "settings.idpMetadataUrl")), fields::toString);
        assertTrue(e.details().stream().anyMatch(d -> d.problem().contains("at most 300 s")), e.details()::toString);
        assertTrue(e.details().stream().anyMatch(d -> d.problem().contains("must use https")), e.details()::toString);

        Map<String, Object> nothing = new HashMap<>();
        nothing.put("idpEntityId", "");
        nothing.put("idpSsoUrl", "");
        nothing.put("idpCertificate", "");
        ApiException unknownIdp = assertThrows(ApiException.class, () -> provider(nothing, Map.of()));
        assertTrue(unknownIdp.details().toString().contains("the identity provider is unknown"), unknownIdp.details()::toString);
        ApiException badCert = assertThrows(ApiException.class, () -> provider(Map.of("idpCertificate",
                "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"), Map.of()));
        assertTrue(badCert.details().stream().anyMatch(d -> d.field().equals("settings.idpCertificate")
                && d.problem().equals("is not a PEM X.509 certificate")), badCert.details()::toString);
    }

    @Test
    void idpMetadataFileIsReadAndTestSaysWhatItFound() throws Exception {
        String cert = Base64.getEncoder().encodeToString(idp.certificate.getEncoded());
        Files.writeString(dataDir.resolve("idp.xml"), "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" "
                + "xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" entityID=\"https://idp.example.test/adfs\">"
                + "<md:IDPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">"
                + "<md:KeyDescriptor use=\"encryption\"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>" + Base64.getEncoder().encodeToString(sp.certificate.getEncoded())
                + "</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
                + "<md:KeyDescriptor use=\"signing\"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>" + cert
                + "</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
                + "<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" Location=\"https://idp.example.test/post\"/>"
                + "<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" Location=\"https://idp.example.test/redirect\"/>"
                + "</md:IDPSSODescriptor></md:EntityDescriptor>");
        Map<String, Object> settings = new HashMap<>();
        settings.put("idpEntityId", "");
        settings.put("idpSsoUrl", "");
        settings.put("idpCertificate", "");
        settings.put("idpMetadataFile", "idp.xml");
        SamlProvider provider = provider(settings, Map.of());
        String found = provider.test();
        assertTrue(found.contains("IdP https://idp.example.test/adfs: single sign-on at https://idp.example.test/redirect (HTTP-Redirect); "
                + "1 signing certificate(s): [CN=pga test idp"), found);
        assertTrue(provider.start("f", CALLBACK).redirect().toString().startsWith("https://idp.example.test/redirect?SAMLRequest="));

        Files.writeString(dataDir.resolve("idp.xml"), "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>");
        ApiException e = assertThrows(ApiException.class, provider::test);
        assertTrue(e.getMessage().contains("the IdP metadata contains a DOCTYPE declaration"), e.getMessage());
    }
}
