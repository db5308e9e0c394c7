package io.pganalytics.server.auth.saml;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.zip.Deflater;

/**
 * AuthnRequests for the HTTP-Redirect binding (SAML bindings 3.4): the XML is deflated (raw DEFLATE), base64'd and
 * URL-encoded into {@code SAMLRequest}, with {@code RelayState}; when a key is configured, {@code SigAlg} and
 * {@code Signature} sign the query string exactly as the binding says (the XML itself is then not signed).
 */
final class AuthnRequests {
    static final String RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
    static final String ECDSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256";

    private final SecureRandom random;

    AuthnRequests(SecureRandom random) {
        this.random = random;
    }

    /** A new request id: an xs:ID (starts with a letter or '_'), 160 random bits. */
    String newId() {
        byte[] bytes = new byte[20];
        random.nextBytes(bytes);
        return "_" + HexFormat.of().formatHex(bytes);
    }

    static String xml(String id, Instant issueInstant, URI destination, String acs, String spEntityId, String nameIdFormat) {
        return "<samlp:AuthnRequest xmlns:samlp=\"" + SafeXml.PROTOCOL + "\" xmlns:saml=\"" + SafeXml.ASSERTION + "\""
                + " ID=\"" + SafeXml.escape(id) + "\" Version=\"2.0\""
                + " IssueInstant=\"" + issueInstant.truncatedTo(ChronoUnit.SECONDS) + "\""
                + " Destination=\"" + SafeXml.escape(destination.toString()) + "\""
                + " AssertionConsumerServiceURL=\"" + SafeXml.escape(acs) + "\""
                + " ProtocolBinding=\"" + IdpMetadata.POST_BINDING + "\">"
                + "<saml:Issuer>" + SafeXml.escape(spEntityId) + "</saml:Issuer>"
                + "<samlp:NameIDPolicy Format=\"" + SafeXml.escape(nameIdFormat) + "\" AllowCreate=\"true\"/>"
                + "</samlp:AuthnRequest>";
    }

    /** The URL that carries {@code xml} to the IdP's single sign-on service, signed when {@code key} is not null. */
    static URI redirect(URI ssoUrl, String xml, String relayState, PrivateKey key) {
        StringBuilder query = new StringBuilder("SAMLRequest=").append(encode(Base64.getEncoder().encodeToString(deflate(xml))))
                .append("&RelayState=").append(encode(relayState));
        if (key != null) {
            boolean ec = key.getAlgorithm().equals("EC");
            query.append("&SigAlg=").append(encode(ec ? ECDSA_SHA256 : RSA_SHA256));
            try {
                Signature signature = Signature.getInstance(ec ? "SHA256withECDSA" : "SHA256withRSA");
                signature.initSign(key);
                signature.update(query.toString().getBytes(StandardCharsets.UTF_8));
                query.append("&Signature=").append(encode(Base64.getEncoder().encodeToString(signature.sign())));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the SP key cannot sign an AuthnRequest: " + e.getMessage(), e);
            }
        }
        String base = ssoUrl.toString();
        return URI.create(base + (base.contains("?") ? "&" : "?") + query);
    }

    static byte[] deflate(String xml) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        try {
            deflater.setInput(xml.getBytes(StandardCharsets.UTF_8));
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
