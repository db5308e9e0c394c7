package io.pganalytics.server.auth.saml;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;

/** This service provider's metadata, for the identity provider's administrator to load. */
final class SpMetadata {
    private SpMetadata() {
    }

    static String xml(String entityId, String acs, SamlSettings settings) {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<md:EntityDescriptor xmlns:md=\"").append(SafeXml.METADATA).append("\" entityID=\"")
                .append(SafeXml.escape(entityId)).append("\">\n")
                .append("  <md:SPSSODescriptor AuthnRequestsSigned=\"").append(settings.signAuthnRequests())
                .append("\" WantAssertionsSigned=\"").append(settings.wantAssertionsSigned())
                .append("\" protocolSupportEnumeration=\"").append(SafeXml.PROTOCOL).append("\">\n");
        X509Certificate certificate = settings.spCertificate();
        if (certificate != null) {
            try {
                xml.append("    <md:KeyDescriptor use=\"signing\">\n")
                        .append("      <ds:KeyInfo xmlns:ds=\"").append(SafeXml.DSIG).append("\"><ds:X509Data><ds:X509Certificate>")
                        .append(Base64.getEncoder().encodeToString(certificate.getEncoded()))
                        .append("</ds:X509Certificate></ds:X509Data></ds:KeyInfo>\n")
                        .append("    </md:KeyDescriptor>\n");
            } catch (CertificateEncodingException e) {
                throw new IllegalStateException("the SP certificate cannot be encoded", e);
            }
        }
        return xml.append("    <md:NameIDFormat>").append(SafeXml.escape(settings.nameIdFormat())).append("</md:NameIDFormat>\n")
                .append("    <md:AssertionConsumerService Binding=\"").append(IdpMetadata.POST_BINDING)
                .append("\" Location=\"").append(SafeXml.escape(acs)).append("\" index=\"0\" isDefault=\"true\"/>\n")
                .append("  </md:SPSSODescriptor>\n")
                .append("</md:EntityDescriptor>\n").toString();
    }
}
