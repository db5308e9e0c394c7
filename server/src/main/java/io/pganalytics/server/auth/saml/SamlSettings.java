package io.pganalytics.server.auth.saml;

import io.pganalytics.server.auth.provider.ProviderDefinition;
import io.pganalytics.server.auth.provider.ProviderSettings;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SAML provider's settings, read and checked once (every problem named by its setting, all at once).
 * The identity provider comes from its metadata ({@code idpMetadataUrl} or {@code idpMetadataFile}) or is given by
 * hand ({@code idpEntityId} + {@code idpSsoUrl} + {@code idpCertificate}); given values win over the metadata's.
 *
 * @param spEntityId        our entity id, or null for {@code <public-url>/api/v1/auth/sso/<name>/metadata}
 * @param usernameAttribute {@value #NAME_ID} (the default) or the attribute holding the user name
 * @param clockSkew         how far the identity provider's clock may be off ours (default 60 s, at most 5 min)
 * @param trustProviderMfa  AuthnContextClassRef values (or values of {@code mfaAttribute}) that mean the identity
 *                          provider checked a second factor
 * @param mfaAttribute      an attribute whose values are matched against {@code trustProviderMfa} too (Entra ID
 *                          says MFA in {@code authnmethodsreferences}, not in the AuthnContext), or null
 */
record SamlSettings(URI idpMetadataUrl, Path idpMetadataFile, String idpEntityId, URI idpSsoUrl,
                    List<X509Certificate> idpCertificates, String spEntityId, boolean wantAssertionsSigned,
                    boolean signAuthnRequests, PrivateKey spPrivateKey, X509Certificate spCertificate,
                    String nameIdFormat, String usernameAttribute, String groupsAttribute, String emailAttribute,
                    String displayNameAttribute, Duration clockSkew, Set<String> trustProviderMfa,
                    String mfaAttribute) {
    static final String NAME_ID = "NameID";
    static final Duration DEFAULT_SKEW = Duration.ofSeconds(60);
    static final Duration MAX_SKEW = Duration.ofMinutes(5);
    static final String UNSPECIFIED = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified";
    static final Set<String> KNOWN = Set.of("idpMetadataUrl", "idpMetadataFile", "idpEntityId", "idpSsoUrl",
            "idpCertificate", "spEntityId", "wantAssertionsSigned", "signAuthnRequests", "spCertificate",
            "nameIdFormat", "usernameAttribute", "groupsAttribute", "emailAttribute", "displayNameAttribute",
            "clockSkew", "trustProviderMfa", "mfaAttribute");
    static final String SP_PRIVATE_KEY = "spPrivateKey";
    private static final Pattern PEM_CERTIFICATE =
            Pattern.compile("-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\\s]+)-----END CERTIFICATE-----");

    SamlSettings {
        idpCertificates = List.copyOf(idpCertificates);
        trustProviderMfa = Set.copyOf(trustProviderMfa);
    }

    /** Reads {@code definition}; throws {@code ApiException.invalid} naming every wrong setting. */
    static SamlSettings from(ProviderDefinition definition, Path dataDir) {
        ProviderSettings in = ProviderSettings.of(definition).refuseUnknown(KNOWN, Set.of(SP_PRIVATE_KEY));
        URI metadataUrl = uri(in, "idpMetadataUrl");
        String metadataFileText = in.text("idpMetadataFile");
        Path metadataFile = metadataFileText == null ? null : dataDir.resolve(metadataFileText).normalize();
        if (metadataUrl != null && metadataFile != null) {
            in.problem("settings.idpMetadataFile", "give idpMetadataUrl or idpMetadataFile, not both");
        }
        String idpEntityId = in.text("idpEntityId");
        URI ssoUrl = uri(in, "idpSsoUrl");
        List<X509Certificate> idpCertificates = certificates(in, "idpCertificate");
        if (metadataUrl == null && metadataFile == null
                && (idpEntityId == null || ssoUrl == null || idpCertificates.isEmpty())) {
            in.problem("settings.idpMetadataUrl", "the identity provider is unknown: give idpMetadataUrl or "
                    + "idpMetadataFile, or all of idpEntityId, idpSsoUrl and idpCertificate");
        }
        boolean signRequests = in.bool("signAuthnRequests", false);
        PrivateKey key = privateKey(in);
        List<X509Certificate> spCertificates = certificates(in, "spCertificate");
        if (signRequests && key == null) {
            in.problem("secrets." + SP_PRIVATE_KEY, "signAuthnRequests needs the SP's private key (PKCS#8 PEM)");
        }
        if (signRequests && spCertificates.isEmpty()) {
            in.problem("settings.spCertificate", "signAuthnRequests needs the SP's certificate (PEM) for the metadata");
        }
        Duration skew = in.duration("clockSkew", DEFAULT_SKEW, Duration.ZERO, MAX_SKEW);
        SamlSettings settings = new SamlSettings(metadataUrl, metadataFile, idpEntityId, ssoUrl, idpCertificates,
                in.text("spEntityId"), in.bool("wantAssertionsSigned", false), signRequests, key,
                spCertificates.isEmpty() ? null : spCertificates.getFirst(),
                in.text("nameIdFormat", UNSPECIFIED), in.text("usernameAttribute", NAME_ID),
                in.text("groupsAttribute"), in.text("emailAttribute"), in.text("displayNameAttribute"),
                skew, new LinkedHashSet<>(in.list("trustProviderMfa", List.of())), in.text("mfaAttribute"));
        in.done();
        return settings;
    }

    /** Certificates in PEM (one or several, for a key rollover), each checked to parse. */
    static List<X509Certificate> parseCertificates(String pem) {
        Matcher m = PEM_CERTIFICATE.matcher(pem);
        List<X509Certificate> certificates = new ArrayList<>();
        while (m.find()) {
            certificates.add(certificate(Base64.getMimeDecoder().decode(m.group(1).replaceAll("\\s", ""))));
        }
        if (certificates.isEmpty() && !pem.isBlank() && !pem.contains("-----")) {
            // bare base64, as metadata and some consoles show it
            certificates.add(certificate(Base64.getMimeDecoder().decode(pem.replaceAll("\\s", ""))));
        }
        return certificates;
    }

    static X509Certificate certificate(byte[] der) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException e) {
            throw new IllegalArgumentException("not an X.509 certificate");
        }
    }

    private static URI uri(ProviderSettings in, String key) {
        String text = in.text(key);
        if (text == null) {
            return null;
        }
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
                in.problem("settings." + key, "must be an absolute http(s) URL");
                return null;
            }
            if (scheme.equals("http") && !IdpMetadata.isLoopback(uri.getHost())) {
                // metadata over plain http would let anyone on the path swap the IdP's certificate
                in.problem("settings." + key, "must use https (plain http only for a loopback address)");
                return null;
            }
            return uri;
        } catch (URISyntaxException e) {
            in.problem("settings." + key, "is not a URL");
            return null;
        }
    }

    private static List<X509Certificate> certificates(ProviderSettings in, String key) {
        String field = "settings." + key;
        String pem = in.text(key);
        if (pem == null) {
            return List.of();
        }
        try {
            List<X509Certificate> parsed = parseCertificates(pem);
            if (parsed.isEmpty()) {
                in.problem(field, "holds no PEM certificate");
            }
            return parsed;
        } catch (IllegalArgumentException e) {
            in.problem(field, "is not a PEM X.509 certificate");
            return List.of();
        }
    }

    private static PrivateKey privateKey(ProviderSettings in) {
        String pem = in.secret(SP_PRIVATE_KEY);
        if (pem == null) {
            return null;
        }
        String base64 = pem.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "")
                .replaceAll("\\s", "");
        if (pem.contains("-----BEGIN") && !pem.contains("-----BEGIN PRIVATE KEY-----")) {
            in.problem("secrets." + SP_PRIVATE_KEY, "must be an unencrypted PKCS#8 PEM key (BEGIN PRIVATE KEY); "
                    + "convert with: openssl pkcs8 -topk8 -nocrypt");
            return null;
        }
        byte[] der;
        try {
            der = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            in.problem("secrets." + SP_PRIVATE_KEY, "is not base64 PEM");
            return null;
        }
        for (String algorithm : List.of("RSA", "EC")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        in.problem("secrets." + SP_PRIVATE_KEY, "is neither an RSA nor an EC PKCS#8 private key");
        return null;
    }
}
