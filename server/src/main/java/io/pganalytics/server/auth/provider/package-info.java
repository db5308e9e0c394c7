/**
 * Identity providers: their definitions (from the configuration file and the admin API), the role mapping each one
 * applies, and the two shapes a provider takes: one that checks a user name and password (LDAP) and one that runs a
 * browser flow (OpenID Connect, SAML 2.0) brokered by the server for the console.
 * <p>
 * {@link io.pganalytics.server.auth.provider.IdentityProviders} holds the live providers of this node, made by the
 * registered {@link io.pganalytics.server.auth.provider.ProviderKind}s from the definitions stored in
 * {@code auth_identity_provider} (written from {@code auth.providers} at start, or through the admin routes of
 * {@link io.pganalytics.server.auth.provider.IdentityProviderFeature}), and reloads them when any node changes one.
 */
package io.pganalytics.server.auth.provider;
