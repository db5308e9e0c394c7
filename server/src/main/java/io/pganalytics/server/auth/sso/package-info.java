/**
 * The single sign-on broker for the desktop console (RFC 8252): the console opens the system browser at
 * {@code /auth/sso/{provider}/start} with a loopback redirect URI and a PKCE challenge; the broker runs the browser
 * provider's flow (OIDC, SAML), then sends the browser to the loopback with a one-time code, which the console trades
 * at {@code /auth/sso/token} with its PKCE verifier for this server's tokens. Flows and codes live in Hazelcast, so any
 * node finishes what another started.
 */
package io.pganalytics.server.auth.sso;
