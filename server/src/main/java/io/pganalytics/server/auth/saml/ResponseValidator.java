package io.pganalytics.server.auth.saml;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.crypto.MarshalException;
import javax.xml.crypto.dsig.CanonicalizationMethod;
import javax.xml.crypto.dsig.DigestMethod;
import javax.xml.crypto.dsig.Reference;
import javax.xml.crypto.dsig.SignatureMethod;
import javax.xml.crypto.dsig.Transform;
import javax.xml.crypto.dsig.XMLSignature;
import javax.xml.crypto.dsig.XMLSignatureException;
import javax.xml.crypto.dsig.XMLSignatureFactory;
import javax.xml.crypto.dsig.dom.DOMValidateContext;
import javax.xml.crypto.KeySelector;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every check a SAML Response must pass before its assertion is believed, in the order that refuses the cheapest
 * attacks first. Structure before signatures: exactly one Assertion in the whole document, no duplicate IDs, and a
 * signature only as a direct child of the Response or of the Assertion, referring to that very element by its ID, so
 * that the element whose signature verified is the element read (no signature wrapping). Signatures verify with the
 * identity provider's configured keys only: a KeyInfo in the message is never used. Then status, destination,
 * issuer, InResponseTo, audience, recipient and the validity windows with a bounded skew. The one-time use of the
 * assertion id is the caller's last step ({@link AssertionReplays}).
 */
final class ResponseValidator {
    static final int MAX_ENCODED_CHARS = 512 * 1024;
    static final String SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success";
    static final String BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer";
    static final String TRANSIENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient";
    private static final Set<String> SIGNATURE_METHODS = Set.of(SignatureMethod.RSA_SHA256, SignatureMethod.RSA_SHA384,
            SignatureMethod.RSA_SHA512, SignatureMethod.ECDSA_SHA256, SignatureMethod.ECDSA_SHA384,
            SignatureMethod.ECDSA_SHA512);
    private static final Set<String> DIGEST_METHODS = Set.of(DigestMethod.SHA256, DigestMethod.SHA384, DigestMethod.SHA512);
    private static final Set<String> TRANSFORMS = Set.of(Transform.ENVELOPED, CanonicalizationMethod.EXCLUSIVE,
            CanonicalizationMethod.EXCLUSIVE_WITH_COMMENTS, CanonicalizationMethod.INCLUSIVE);
    private static final Set<String> CANONICALIZATIONS = Set.of(CanonicalizationMethod.EXCLUSIVE,
            CanonicalizationMethod.EXCLUSIVE_WITH_COMMENTS, CanonicalizationMethod.INCLUSIVE,
            CanonicalizationMethod.INCLUSIVE_WITH_COMMENTS);

    private final Clock clock;

    ResponseValidator(Clock clock) {
        this.clock = clock;
    }

    /**
     * What the response must match.
     *
     * @param acs        our assertion consumer service URL (the broker's callback): Destination and Recipient
     * @param spEntityId the audience
     * @param requestId  the AuthnRequest's ID, kept since {@code start}: InResponseTo
     */
    record Expected(String acs, String spEntityId, String requestId, IdpMetadata idp, Duration skew,
                    boolean wantAssertionsSigned) {
    }

    /** The assertion's contents, read only after every check passed. */
    record Assertion(String id, String issuer, String nameId, Map<String, List<String>> attributes,
                     Set<String> authnContexts, Instant usableUntil) {
    }

    /** Checks the form field {@code SAMLResponse} (base64 of the XML); throws {@link SamlException} naming the failed check. */
    Assertion validate(String encoded, Expected expected) {
        if (encoded == null || encoded.isBlank()) {
            throw new SamlException("the callback carries no SAMLResponse");
        }
        if (encoded.length() > MAX_ENCODED_CHARS) {
            throw new SamlException("the SAMLResponse is larger than " + MAX_ENCODED_CHARS + " characters");
        }
        byte[] xml;
        try {
            // line breaks are allowed (some IdPs wrap at 76), anything else outside the alphabet is not
            xml = Base64.getDecoder().decode(encoded.replaceAll("[\\r\\n\\t ]", ""));
        } catch (IllegalArgumentException e) {
            throw new SamlException("the SAMLResponse is not base64");
        }
        Document document = SafeXml.parse(xml, "the SAML response");
        Element response = document.getDocumentElement();
        if (!SafeXml.is(response, SafeXml.PROTOCOL, "Response")) {
            throw new SamlException("the message is a " + response.getLocalName() + ", not a SAML 2.0 Response");
        }
        Element assertion = singleAssertion(document, response);
        checkIds(document, response, assertion);
        checkSignatureElements(document, response, assertion);
        boolean responseSigned = verify(response, "Response", expected.idp());
        boolean assertionSigned = verify(assertion, "Assertion", expected.idp());
        if (!responseSigned && !assertionSigned) {
            throw new SamlException("neither the Response nor its Assertion is signed");
        }
        if (expected.wantAssertionsSigned() && !assertionSigned) {
            throw new SamlException("the Assertion is not signed (wantAssertionsSigned is on; only the Response is)");
        }
        checkResponse(response, expected);
        return checkAssertion(assertion, expected);
    }

    /** Exactly one Assertion in the whole document, a direct child of the Response; encrypted ones are not supported. */
    private static Element singleAssertion(Document document, Element response) {
        if (document.getElementsByTagNameNS(SafeXml.ASSERTION, "EncryptedAssertion").getLength() > 0) {
            throw new SamlException("the Response holds an EncryptedAssertion: encrypted assertions are not supported "
                    + "(turn assertion encryption off at the IdP; the HTTPS channel protects them)");
        }
        NodeList all = document.getElementsByTagNameNS(SafeXml.ASSERTION, "Assertion");
        if (all.getLength() != 1) {
            throw new SamlException("the Response holds " + all.getLength() + " Assertion elements; exactly one is "
                    + "accepted (more than one is how signature wrapping hides a signed assertion beside a forged one)");
        }
        Element assertion = (Element) all.item(0);
        if (assertion.getParentNode() != response) {
            throw new SamlException("the Assertion is not a direct child of the Response (signature wrapping)");
        }
        return assertion;
    }

    /** Every ID attribute in the document is unique, and the two signable elements carry one each. */
    private static void checkIds(Document document, Element response, Element assertion) {
        Map<String, Integer> seen = new HashMap<>();
        NodeList elements = document.getElementsByTagNameNS("*", "*");
        for (int i = 0; i < elements.getLength(); i++) {
            Element element = (Element) elements.item(i);
            String id = SafeXml.attribute(element, "ID");
            if (id != null && seen.merge(id, 1, Integer::sum) > 1) {
                throw new SamlException("two elements share the ID " + id + " (signature wrapping)");
            }
        }
        for (Element element : List.of(response, assertion)) {
            String id = SafeXml.attribute(element, "ID");
            if (id == null || id.isBlank()) {
                throw new SamlException("the " + element.getLocalName() + " has no ID");
            }
        }
    }

    /** A ds:Signature may only be a direct child of the Response or of the Assertion, at most one each. */
    private static void checkSignatureElements(Document document, Element response, Element assertion) {
        NodeList signatures = document.getElementsByTagNameNS(SafeXml.DSIG, "Signature");
        for (int i = 0; i < signatures.getLength(); i++) {
            Element signature = (Element) signatures.item(i);
            if (signature.getParentNode() != response && signature.getParentNode() != assertion) {
                throw new SamlException("a signature sits inside " + signature.getParentNode().getLocalName()
                        + ", not on the Response or the Assertion (signature wrapping)");
            }
        }
        SafeXml.child(response, SafeXml.DSIG, "Signature", "the Response's signature");
        SafeXml.child(assertion, SafeXml.DSIG, "Signature", "the Assertion's signature");
    }

    /**
     * Verifies the signature that is a direct child of {@code element}, if any: its one Reference must name
     * {@code element} itself, and it must verify with one of the identity provider's keys. False when unsigned.
     */
    private static boolean verify(Element element, String what, IdpMetadata idp) {
        Element signatureElement = SafeXml.child(element, SafeXml.DSIG, "Signature", "the " + what + "'s signature");
        if (signatureElement == null) {
            return false;
        }
        String id = element.getAttributeNS(null, "ID");
        List<String> failures = new ArrayList<>();
        for (X509Certificate certificate : idp.certificates()) {
            DOMValidateContext context = new DOMValidateContext(KeySelector.singletonKeySelector(certificate.getPublicKey()),
                    signatureElement);
            context.setProperty("org.jcp.xml.dsig.secureValidation", Boolean.TRUE);
            // only the element carrying the signature is resolvable by ID: a Reference to anything else finds nothing
            context.setIdAttributeNS(element, null, "ID");
            XMLSignature signature;
            try {
                signature = XMLSignatureFactory.getInstance("DOM").unmarshalXMLSignature(context);
            } catch (MarshalException e) {
                throw new SamlException("the " + what + "'s signature is malformed");
            }
            checkAlgorithms(signature, what, id);
            try {
                if (signature.validate(context)) {
                    return true;
                }
                failures.add(signature.getSignatureValue().validate(context) ? "digest" : "value");
            } catch (XMLSignatureException e) {
                failures.add("error: " + e.getMessage());
            }
        }
        String foreign = foreignKeyInfoCertificate(signatureElement, idp);
        if (foreign != null) {
            throw new SamlException("the " + what + "'s signature does not verify with the IdP's certificate; its KeyInfo "
                    + "carries another certificate (" + foreign + "), which is never trusted: only the configured IdP "
                    + "certificate is");
        }
        if (failures.contains("digest")) {
            throw new SamlException("the " + what + " was changed after it was signed (its digest does not match)");
        }
        if (failures.stream().allMatch(f -> f.startsWith("error: "))) {
            throw new SamlException("the " + what + "'s signature cannot be checked (" + failures.getFirst().substring(7) + ")");
        }
        throw new SamlException("the " + what + "'s signature does not verify with the IdP's certificate (signed by another key)");
    }

    private static void checkAlgorithms(XMLSignature signature, String what, String id) {
        var signedInfo = signature.getSignedInfo();
        String method = signedInfo.getSignatureMethod().getAlgorithm();
        if (!SIGNATURE_METHODS.contains(method)) {
            throw new SamlException("the " + what + "'s signature uses " + method + ", which is refused (use RSA or "
                    + "ECDSA with SHA-256 or stronger)");
        }
        if (!CANONICALIZATIONS.contains(signedInfo.getCanonicalizationMethod().getAlgorithm())) {
            throw new SamlException("the " + what + "'s signature uses an unsupported canonicalization");
        }
        List<?> references = signedInfo.getReferences();
        if (references.size() != 1) {
            throw new SamlException("the " + what + "'s signature has " + references.size() + " references; exactly one, "
                    + "to the " + what + " itself, is accepted");
        }
        Reference reference = (Reference) references.getFirst();
        if (!("#" + id).equals(reference.getURI())) {
            throw new SamlException("the " + what + "'s signature covers " + (reference.getURI() == null || reference.getURI().isEmpty()
                    ? "the whole document" : reference.getURI()) + ", not the " + what + " it sits on (#" + id
                    + "): the signed element must be the one read (signature wrapping)");
        }
        if (!DIGEST_METHODS.contains(reference.getDigestMethod().getAlgorithm())) {
            throw new SamlException("the " + what + "'s signature digests with " + reference.getDigestMethod().getAlgorithm()
                    + ", which is refused (use SHA-256 or stronger)");
        }
        for (Object transform : reference.getTransforms()) {
            String algorithm = ((Transform) transform).getAlgorithm();
            if (!TRANSFORMS.contains(algorithm)) {
                throw new SamlException("the " + what + "'s signature uses the transform " + algorithm + ", which is refused");
            }
        }
    }

    /** A certificate in the signature's KeyInfo that is none of the IdP's, described by its subject; else null. */
    private static String foreignKeyInfoCertificate(Element signatureElement, IdpMetadata idp) {
        NodeList certificates = signatureElement.getElementsByTagNameNS(SafeXml.DSIG, "X509Certificate");
        for (int i = 0; i < certificates.getLength(); i++) {
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(SafeXml.text((Element) certificates.item(i)));
            } catch (IllegalArgumentException e) {
                return "one that is not base64";
            }
            boolean known = idp.certificates().stream().anyMatch(c -> {
                try {
                    return Arrays.equals(c.getEncoded(), der);
                } catch (CertificateEncodingException e) {
                    return false;
                }
            });
            if (!known) {
                try {
                    return "subject " + SamlSettings.certificate(der).getSubjectX500Principal().getName();
                } catch (IllegalArgumentException e) {
                    return "one that does not parse";
                }
            }
        }
        return null;
    }

    private void checkResponse(Element response, Expected expected) {
        if (!"2.0".equals(response.getAttributeNS(null, "Version"))) {
            throw new SamlException("the Response is not SAML version 2.0");
        }
        Element status = SafeXml.child(response, SafeXml.PROTOCOL, "Status", "Status");
        Element code = status == null ? null : SafeXml.child(status, SafeXml.PROTOCOL, "StatusCode", "StatusCode");
        String value = code == null ? null : SafeXml.attribute(code, "Value");
        if (!SUCCESS.equals(value)) {
            Element second = code == null ? null : SafeXml.child(code, SafeXml.PROTOCOL, "StatusCode", "StatusCode");
            throw new SamlException("the IdP did not sign the person in: status " + shortCode(value)
                    + (second == null ? "" : "/" + shortCode(SafeXml.attribute(second, "Value"))));
        }
        String destination = SafeXml.attribute(response, "Destination");
        if (!expected.acs().equals(destination)) {
            throw new SamlException("the Response's Destination " + (destination == null ? "is missing" : "is " + destination)
                    + "; this service's ACS is " + expected.acs());
        }
        Element issuer = SafeXml.child(response, SafeXml.ASSERTION, "Issuer", "the Response's Issuer");
        if (issuer != null && !expected.idp().entityId().equals(SafeXml.text(issuer))) {
            throw new SamlException("the Response's Issuer is " + SafeXml.text(issuer) + ", not the IdP " + expected.idp().entityId());
        }
        String inResponseTo = SafeXml.attribute(response, "InResponseTo");
        if (inResponseTo == null) {
            throw new SamlException("the Response answers no request of ours (no InResponseTo: IdP-initiated sign-in is not accepted)");
        }
        if (!inResponseTo.equals(expected.requestId())) {
            throw new SamlException("the Response answers request " + inResponseTo + ", not this sign-in's request " + expected.requestId());
        }
    }

    private Assertion checkAssertion(Element assertion, Expected expected) {
        Instant now = clock.instant();
        Duration skew = expected.skew();
        if (!"2.0".equals(assertion.getAttributeNS(null, "Version"))) {
            throw new SamlException("the Assertion is not SAML version 2.0");
        }
        String issuer = SafeXml.text(SafeXml.child(assertion, SafeXml.ASSERTION, "Issuer", "the Assertion's Issuer"));
        if (!expected.idp().entityId().equals(issuer)) {
            throw new SamlException("the Assertion's Issuer is " + (issuer == null ? "missing" : issuer) + ", not the IdP "
                    + expected.idp().entityId());
        }
        Element subject = SafeXml.child(assertion, SafeXml.ASSERTION, "Subject", "Subject");
        Element nameIdElement = subject == null ? null : SafeXml.child(subject, SafeXml.ASSERTION, "NameID", "NameID");
        String nameId = SafeXml.text(nameIdElement);
        if (nameId == null || nameId.isEmpty()) {
            throw new SamlException("the Assertion names no subject (no NameID)");
        }
        if (TRANSIENT.equals(SafeXml.attribute(nameIdElement, "Format"))) {
            // a new value at each sign-in: it would make a new local user every time
            throw new SamlException("the Assertion names its subject by a transient NameID, which changes at every "
                    + "sign-in: configure the IdP for a persistent, unspecified or e-mail NameID format");
        }
        Instant confirmedUntil = checkConfirmation(subject, expected, now);
        Element conditions = SafeXml.child(assertion, SafeXml.ASSERTION, "Conditions", "Conditions");
        if (conditions == null) {
            throw new SamlException("the Assertion has no Conditions (its audience and validity are unknown)");
        }
        Instant notBefore = time(conditions, "NotBefore");
        if (notBefore != null && now.plus(skew).isBefore(notBefore)) {
            throw new SamlException("the Assertion is not valid yet (NotBefore " + notBefore + ", now " + now + ", skew "
                    + skew.toSeconds() + " s)");
        }
        Instant notOnOrAfter = time(conditions, "NotOnOrAfter");
        if (notOnOrAfter != null && !now.isBefore(notOnOrAfter.plus(skew))) {
            throw new SamlException("the Assertion has expired (NotOnOrAfter " + notOnOrAfter + ", now " + now + ", skew "
                    + skew.toSeconds() + " s)");
        }
        checkAudience(conditions, expected.spEntityId());
        Set<String> contexts = authnContexts(assertion);
        Instant usableUntil = notOnOrAfter == null || confirmedUntil.isBefore(notOnOrAfter) ? confirmedUntil : notOnOrAfter;
        return new Assertion(assertion.getAttributeNS(null, "ID"), issuer, nameId, attributes(assertion), contexts,
                usableUntil.plus(skew));
    }

    /** At least one bearer SubjectConfirmation whose data names our ACS, our request and a window that holds now. */
    private static Instant checkConfirmation(Element subject, Expected expected, Instant now) {
        List<Element> confirmations = SafeXml.children(subject, SafeXml.ASSERTION, "SubjectConfirmation").stream()
                .filter(c -> BEARER.equals(c.getAttributeNS(null, "Method"))).toList();
        if (confirmations.isEmpty()) {
            throw new SamlException("the Assertion has no bearer SubjectConfirmation");
        }
        String firstProblem = null;
        for (Element confirmation : confirmations) {
            Element data = SafeXml.child(confirmation, SafeXml.ASSERTION, "SubjectConfirmationData", "SubjectConfirmationData");
            String problem = confirmationProblem(data, expected, now);
            if (problem == null) {
                return time(data, "NotOnOrAfter");
            }
            firstProblem = firstProblem == null ? problem : firstProblem;
        }
        throw new SamlException(firstProblem);
    }

    private static String confirmationProblem(Element data, Expected expected, Instant now) {
        if (data == null) {
            return "the SubjectConfirmation has no SubjectConfirmationData";
        }
        String recipient = SafeXml.attribute(data, "Recipient");
        if (!expected.acs().equals(recipient)) {
            return "the SubjectConfirmation's Recipient " + (recipient == null ? "is missing" : "is " + recipient)
                    + "; this service's ACS is " + expected.acs();
        }
        String inResponseTo = SafeXml.attribute(data, "InResponseTo");
        if (inResponseTo != null && !inResponseTo.equals(expected.requestId())) {
            return "the SubjectConfirmation answers request " + inResponseTo + ", not this sign-in's request " + expected.requestId();
        }
        Instant notOnOrAfter = time(data, "NotOnOrAfter");
        if (notOnOrAfter == null) {
            return "the SubjectConfirmationData has no NotOnOrAfter";
        }
        if (!now.isBefore(notOnOrAfter.plus(expected.skew()))) {
            return "the SubjectConfirmation has expired (NotOnOrAfter " + notOnOrAfter + ", now " + now + ", skew "
                    + expected.skew().toSeconds() + " s)";
        }
        Instant notBefore = time(data, "NotBefore");
        if (notBefore != null && now.plus(expected.skew()).isBefore(notBefore)) {
            return "the SubjectConfirmation is not valid yet (NotBefore " + notBefore + ", now " + now + ")";
        }
        return null;
    }

    /** Every AudienceRestriction must name us (SAML core 2.5.1.4), and there must be at least one. */
    private static void checkAudience(Element conditions, String spEntityId) {
        List<Element> restrictions = SafeXml.children(conditions, SafeXml.ASSERTION, "AudienceRestriction");
        if (restrictions.isEmpty()) {
            throw new SamlException("the Assertion has no AudienceRestriction (it could be meant for any service)");
        }
        for (Element restriction : restrictions) {
            List<String> audiences = SafeXml.children(restriction, SafeXml.ASSERTION, "Audience").stream()
                    .map(SafeXml::text).toList();
            if (!audiences.contains(spEntityId)) {
                throw new SamlException("the Assertion is meant for " + String.join(", ", audiences) + ", not for this "
                        + "service (" + spEntityId + ")");
            }
        }
    }

    private static Set<String> authnContexts(Element assertion) {
        List<Element> statements = SafeXml.children(assertion, SafeXml.ASSERTION, "AuthnStatement");
        if (statements.isEmpty()) {
            throw new SamlException("the Assertion has no AuthnStatement (it does not say the person signed in)");
        }
        Set<String> contexts = new LinkedHashSet<>();
        for (Element statement : statements) {
            for (Element context : SafeXml.children(statement, SafeXml.ASSERTION, "AuthnContext")) {
                for (Element ref : SafeXml.children(context, SafeXml.ASSERTION, "AuthnContextClassRef")) {
                    contexts.add(SafeXml.text(ref));
                }
            }
        }
        return contexts;
    }

    private static Map<String, List<String>> attributes(Element assertion) {
        Map<String, List<String>> attributes = new LinkedHashMap<>();
        for (Element statement : SafeXml.children(assertion, SafeXml.ASSERTION, "AttributeStatement")) {
            for (Element attribute : SafeXml.children(statement, SafeXml.ASSERTION, "Attribute")) {
                String name = attribute.getAttributeNS(null, "Name");
                List<String> values = attributes.computeIfAbsent(name, n -> new ArrayList<>());
                for (Element value : SafeXml.children(attribute, SafeXml.ASSERTION, "AttributeValue")) {
                    String text = SafeXml.text(value);
                    if (text != null && !text.isEmpty() && values.size() < 1000) {
                        values.add(text);
                    }
                }
            }
        }
        attributes.replaceAll((name, values) -> List.copyOf(values));
        return Map.copyOf(attributes);
    }

    private static Instant time(Element element, String attribute) {
        String text = SafeXml.attribute(element, attribute);
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text.strip()).toInstant();
        } catch (DateTimeParseException e) {
            throw new SamlException("the " + element.getLocalName() + "'s " + attribute + " is not a date-time");
        }
    }

    private static String shortCode(String code) {
        if (code == null) {
            return "(none)";
        }
        int colon = code.lastIndexOf(':');
        return colon < 0 ? code : code.substring(colon + 1);
    }
}
