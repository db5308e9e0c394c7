/**
 * Identity providers: their definitions (from the configuration file and the admin API), the role mapping each one
 * applies, and the two shapes a provider takes: one that checks a user name and password (LDAP) and one that runs a
 * browser flow (OpenID Connect, SAML 2.0) brokered by the server for the console.
 */
package io.pganalytics.server.auth.provider;
