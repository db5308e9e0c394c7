/**
 * OpenID Connect identity providers (kind {@code oidc}): discovery, the authorization code flow with PKCE S256 through
 * ScribeJava, and the id_token's checks (signature against the provider's JWKS with key rotation, an algorithm
 * allow-list, iss, aud, azp, exp, iat, nonce), userinfo when the groups claim is missing, and the role mapping over
 * the token's claims. The flow itself is brokered by {@code server.auth.sso}.
 */
package io.pganalytics.server.auth.oidc;
