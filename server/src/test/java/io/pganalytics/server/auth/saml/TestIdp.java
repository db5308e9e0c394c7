package io.pganalytics.server.auth.saml;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import javax.xml.crypto.dsig.CanonicalizationMethod;
import javax.xml.crypto.dsig.DigestMethod;
import javax.xml.crypto.dsig.Reference;
import javax.xml.crypto.dsig.SignatureMethod;
import javax.xml.crypto.dsig.SignedInfo;
import javax.xml.crypto.dsig.Transform;
import javax.xml.crypto.dsig.XMLSignatureFactory;
import javax.xml.crypto.dsig.dom.DOMSignContext;
import javax.xml.crypto.dsig.keyinfo.KeyInfo;
import javax.xml.crypto.dsig.keyinfo.KeyInfoFactory;
import javax.xml.crypto.dsig.spec.C14NMethodParameterSpec;
import javax.xml.crypto.dsig.spec.TransformParameterSpec;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * A SAML identity provider made of a key pair and string templates: builds Responses the way real IdPs shape them,
 * signs the Response and/or the Assertion with the JDK's XML signature API, and lets a test bend any field or
 * rearrange the signed document for an attack.
 */
final class TestIdp {
    static final String ENTITY_ID = "https://idp.example.test/realms/corp";
    final KeyPair keys;
    final X509Certificate certificate;

    TestIdp(String commonName) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            keys = generator.generateKeyPair();
            X500Name name = new X500Name("CN=" + commonName);
            Instant now = Instant.now();
            certificate = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name,
                    new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(Duration.ofDays(365))), name, keys.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    String pem() {
        try {
            return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder().encodeToString(certificate.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The fields of one Response; every one can be bent by a test. */
    static final class Fields {
        String responseId = "_r" + UUID.randomUUID();
        String assertionId = "_a" + UUID.randomUUID();
        String destination;
        String recipient;
        String audience;
        String inResponseTo;
        String responseIssuer = ENTITY_ID;
        String assertionIssuer = ENTITY_ID;
        String status = "urn:oasis:names:tc:SAML:2.0:status:Success";
        String nameId = "alice";
        Instant issued;
        Instant notBefore;
        Instant notOnOrAfter;
        Instant confirmationNotOnOrAfter;
        List<String> groups = List.of("dba");
        String authnContext = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport";

        Fields(String acs, String audience, String requestId, Instant now) {
            this.destination = acs;
            this.recipient = acs;
            this.audience = audience;
            this.inResponseTo = requestId;
            this.issued = now;
            this.notBefore = now.minusSeconds(5);
            this.notOnOrAfter = now.plus(Duration.ofMinutes(5));
            this.confirmationNotOnOrAfter = now.plus(Duration.ofMinutes(5));
        }
    }

    static String assertionXml(Fields f) {
        StringBuilder groups = new StringBuilder();
        for (String g : f.groups) {
            groups.append("<saml:AttributeValue>").append(g).append("</saml:AttributeValue>");
        }
        return "<saml:Assertion xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"" + f.assertionId
                + "\" Version=\"2.0\" IssueInstant=\"" + f.issued + "\">"
                + "<saml:Issuer>" + f.assertionIssuer + "</saml:Issuer>"
                + "<saml:Subject><saml:NameID Format=\"urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified\">" + f.nameId + "</saml:NameID>"
                + "<saml:SubjectConfirmation Method=\"urn:oasis:names:tc:SAML:2.0:cm:bearer\">"
                + "<saml:SubjectConfirmationData InResponseTo=\"" + f.inResponseTo + "\" NotOnOrAfter=\""
                + f.confirmationNotOnOrAfter + "\" Recipient=\"" + f.recipient + "\"/></saml:SubjectConfirmation></saml:Subject>"
                + "<saml:Conditions NotBefore=\"" + f.notBefore + "\" NotOnOrAfter=\"" + f.notOnOrAfter + "\">"
                + "<saml:AudienceRestriction><saml:Audience>" + f.audience + "</saml:Audience></saml:AudienceRestriction></saml:Conditions>"
                + "<saml:AuthnStatement AuthnInstant=\"" + f.issued + "\" SessionIndex=\"s1\"><saml:AuthnContext>"
                + "<saml:AuthnContextClassRef>" + f.authnContext + "</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>"
                + "<saml:AttributeStatement><saml:Attribute Name=\"email\"><saml:AttributeValue>alice@example.test</saml:AttributeValue></saml:Attribute>"
                + "<saml:Attribute Name=\"member\">" + groups + "</saml:Attribute></saml:AttributeStatement>"
                + "</saml:Assertion>";
    }

    /** A Response around {@code inner} (one or more assertions, or anything else a test puts there). */
    static String responseXml(Fields f, String inner) {
        return "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\""
                + " ID=\"" + f.responseId + "\" Version=\"2.0\" IssueInstant=\"" + f.issued + "\" Destination=\"" + f.destination
                + "\" InResponseTo=\"" + f.inResponseTo + "\">"
                + "<saml:Issuer>" + f.responseIssuer + "</saml:Issuer>"
                + "<samlp:Status><samlp:StatusCode Value=\"" + f.status + "\"/></samlp:Status>"
                + inner + "</samlp:Response>";
    }

    static Document parse(String xml) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first element named {@code localName} in the document. */
    static Element element(Document document, String localName) {
        return (Element) document.getElementsByTagNameNS("*", localName).item(0);
    }

    /**
     * Signs {@code signed} (enveloped, exclusive c14n, RSA-SHA256) with {@code key} of this IdP, placing the signature
     * as a child of {@code parent} after its Issuer; {@code keyInfo} adds this IdP's certificate to the signature.
     */
    void sign(Element signed, Element parent, boolean keyInfo) {
        try {
            XMLSignatureFactory factory = XMLSignatureFactory.getInstance("DOM");
            Reference reference = factory.newReference("#" + signed.getAttribute("ID"),
                    factory.newDigestMethod(DigestMethod.SHA256, null),
                    List.of(factory.newTransform(Transform.ENVELOPED, (TransformParameterSpec) null),
                            factory.newTransform(CanonicalizationMethod.EXCLUSIVE, (TransformParameterSpec) null)), null, null);
            SignedInfo info = factory.newSignedInfo(factory.newCanonicalizationMethod(CanonicalizationMethod.EXCLUSIVE,
                    (C14NMethodParameterSpec) null), factory.newSignatureMethod(SignatureMethod.RSA_SHA256, null), List.of(reference));
            KeyInfoFactory keyInfos = factory.getKeyInfoFactory();
            KeyInfo info2 = keyInfo ? keyInfos.newKeyInfo(List.of(keyInfos.newX509Data(List.of(certificate)))) : null;
            Node issuer = parent.getElementsByTagNameNS("urn:oasis:names:tc:SAML:2.0:assertion", "Issuer").item(0);
            Node next = issuer != null && issuer.getParentNode() == parent ? issuer.getNextSibling() : parent.getFirstChild();
            DOMSignContext context = new DOMSignContext(keys.getPrivate(), parent, next);
            context.setIdAttributeNS(signed, null, "ID");
            factory.newXMLSignature(info, info2).sign(context);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    void sign(Element element, boolean keyInfo) {
        sign(element, element, keyInfo);
    }

    static String serialize(Node node) {
        try {
            StringWriter out = new StringWriter();
            var transformer = TransformerFactory.newInstance().newTransformer();
            transformer.setOutputProperty("omit-xml-declaration", "yes");
            transformer.transform(new DOMSource(node), new StreamResult(out));
            return out.toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String encode(String xml) {
        return Base64.getEncoder().encodeToString(xml.getBytes(StandardCharsets.UTF_8));
    }

    static String encode(Document document) {
        return encode(serialize(document));
    }

    /** A Response with its Assertion signed (and the Response too when {@code signResponse}). */
    String signed(Fields f, boolean signAssertion, boolean signResponse) {
        Document document = parse(responseXml(f, assertionXml(f)));
        if (signAssertion) {
            sign(element(document, "Assertion"), true);
        }
        if (signResponse) {
            sign(document.getDocumentElement(), true);
        }
        return encode(document);
    }
}
