/**
 * SAML 2.0 single sign-on: the server as a service provider. {@link io.pganalytics.server.auth.saml.SamlKind} reads a
 * provider's settings; the provider sends the browser to the identity provider with an AuthnRequest (HTTP-Redirect
 * binding), receives its Response at the assertion consumer service (HTTP-POST binding, the broker's callback), and
 * accepts it only after every check of {@code ResponseValidator}: a hardened parser (no DTD at all), a signature made
 * with the identity provider's configured key over the very element whose contents are read, status, destination,
 * recipient, audience, InResponseTo, validity windows with a bounded skew, issuer, and a cluster-wide one-time use of
 * each assertion id. Built on the JDK's own XML Digital Signature API (java.xml.crypto); no SAML library.
 */
package io.pganalytics.server.auth.saml;
