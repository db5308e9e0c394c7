/**
 * Signing in: the providers the server offers (a username and password for local and directory accounts, a button per
 * single sign-on provider), single sign-on through the system browser with a loopback redirect and PKCE (RFC 8252),
 * and resuming a saved session. A sign-in that owes a second factor continues in {@code console.mfa}.
 */
package io.pganalytics.console.login;
