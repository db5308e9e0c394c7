package io.pganalytics.server.auth.saml;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * What this service provider needs to know of an identity provider: its entity id, where its single sign-on service
 * takes an HTTP-Redirect AuthnRequest, and the certificates it signs with (several during a key rollover).
 */
record IdpMetadata(String entityId, URI ssoUrl, List<X509Certificate> certificates) {
    static final String REDIRECT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
    static final String POST_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";
    static final int MAX_BYTES = 1024 * 1024;
    static final Duration FETCH_TIMEOUT = Duration.ofSeconds(10);

    IdpMetadata {
        certificates = List.copyOf(certificates);
    }

    static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.equals("127.0.0.1") || h.equals("[::1]") || h.equals("::1");
    }

    /** Fetches metadata over HTTP(S), at most {@value #MAX_BYTES} bytes within {@link #FETCH_TIMEOUT}. */
    static byte[] fetch(HttpClient client, URI url) {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(FETCH_TIMEOUT).header("Accept", "application/samlmetadata+xml, application/xml, text/xml").GET().build();
        try {
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    throw new SamlException("the IdP metadata at " + url + " answered HTTP " + response.statusCode());
                }
                byte[] bytes = body.readNBytes(MAX_BYTES + 1);
                if (bytes.length > MAX_BYTES) {
                    throw new SamlException("the IdP metadata at " + url + " is larger than " + MAX_BYTES + " bytes");
                }
                return bytes;
            }
        } catch (IOException e) {
            throw new SamlException("the IdP metadata at " + url + " could not be fetched: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SamlException("interrupted while fetching the IdP metadata at " + url);
        }
    }

    static byte[] read(Path file) {
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new SamlException("the IdP metadata file " + file + " is larger than " + MAX_BYTES + " bytes");
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new SamlException("the IdP metadata file " + file + " cannot be read: " + e.getClass().getSimpleName());
        }
    }

    /**
     * Reads an EntityDescriptor (or an EntitiesDescriptor holding several) and picks the identity provider whose
     * entity id is {@code wanted}, or the only identity provider when {@code wanted} is null.
     */
    static IdpMetadata parse(byte[] xml, String wanted) {
        Document document = SafeXml.parse(xml, "the IdP metadata");
        Element root = document.getDocumentElement();
        List<Element> entities = new ArrayList<>();
        collect(root, entities, 0);
        List<Element> idps = entities.stream()
                .filter(e -> SafeXml.child(e, SafeXml.METADATA, "IDPSSODescriptor", "IDPSSODescriptor") != null)
                .filter(e -> wanted == null || wanted.equals(e.getAttributeNS(null, "entityID")))
                .toList();
        if (idps.isEmpty()) {
            throw new SamlException("the IdP metadata holds no identity provider"
                    + (wanted == null ? "" : " with entity id " + wanted) + " (no IDPSSODescriptor)");
        }
        if (idps.size() > 1) {
            throw new SamlException("the IdP metadata holds " + idps.size() + " identity providers: set idpEntityId to choose one");
        }
        Element entity = idps.getFirst();
        Element idp = SafeXml.child(entity, SafeXml.METADATA, "IDPSSODescriptor", "IDPSSODescriptor");
        URI sso = null;
        for (Element service : SafeXml.children(idp, SafeXml.METADATA, "SingleSignOnService")) {
            if (REDIRECT_BINDING.equals(service.getAttributeNS(null, "Binding"))) {
                sso = URI.create(service.getAttributeNS(null, "Location").strip());
                break;
            }
        }
        if (sso == null) {
            throw new SamlException("the IdP metadata offers no SingleSignOnService with the HTTP-Redirect binding");
        }
        List<X509Certificate> certificates = new ArrayList<>();
        for (Element key : SafeXml.children(idp, SafeXml.METADATA, "KeyDescriptor")) {
            String use = key.getAttributeNS(null, "use");
            if (!use.isEmpty() && !use.equals("signing")) {
                continue;
            }
            for (Element keyInfo : SafeXml.children(key, SafeXml.DSIG, "KeyInfo")) {
                for (Element data : SafeXml.children(keyInfo, SafeXml.DSIG, "X509Data")) {
                    for (Element cert : SafeXml.children(data, SafeXml.DSIG, "X509Certificate")) {
                        try {
                            certificates.add(SamlSettings.certificate(Base64.getMimeDecoder().decode(SafeXml.text(cert))));
                        } catch (IllegalArgumentException e) {
                            throw new SamlException("the IdP metadata holds a signing certificate that does not parse");
                        }
                    }
                }
            }
        }
        if (certificates.isEmpty()) {
            throw new SamlException("the IdP metadata holds no signing certificate (KeyDescriptor use=\"signing\")");
        }
        String entityId = entity.getAttributeNS(null, "entityID");
        if (entityId.isBlank()) {
            throw new SamlException("the IdP metadata's EntityDescriptor has no entityID");
        }
        return new IdpMetadata(entityId, sso, certificates);
    }

    private static void collect(Element element, List<Element> entities, int depth) {
        if (SafeXml.is(element, SafeXml.METADATA, "EntityDescriptor")) {
            entities.add(element);
        } else if (SafeXml.is(element, SafeXml.METADATA, "EntitiesDescriptor") && depth < 8) {
            for (Element child : SafeXml.children(element, SafeXml.METADATA, "EntitiesDescriptor")) {
                collect(child, entities, depth + 1);
            }
            entities.addAll(SafeXml.children(element, SafeXml.METADATA, "EntityDescriptor"));
        }
    }

    /** One line per certificate for "test connection": subject and expiry, never the key. */
    String describe() {
        StringBuilder out = new StringBuilder("IdP ").append(entityId).append(": single sign-on at ").append(ssoUrl)
                .append(" (HTTP-Redirect); ").append(certificates.size()).append(" signing certificate(s):");
        for (X509Certificate c : certificates) {
            out.append(" [").append(c.getSubjectX500Principal().getName()).append(", valid until ")
                    .append(c.getNotAfter().toInstant()).append("]");
        }
        return out.toString();
    }
}
