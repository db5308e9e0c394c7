package io.pganalytics.common.auth;

/**
 * {@code POST /api/v1/auth/sso/token}: the console trades the one-time code its loopback received for tokens.
 *
 * @param code         the one-time code from the loopback redirect (60 s, single use); never logged
 * @param codeVerifier the PKCE verifier whose S256 challenge the console sent to {@code /auth/sso/{provider}/start};
 *                     never logged
 * @param redirectUri  the loopback redirect URI the console sent to {@code start}, exactly
 */
public record SsoTokenRequest(String code, String codeVerifier, String redirectUri) {
    @Override
    public String toString() {
        return "SsoTokenRequest[code=***, codeVerifier=***, redirectUri=" + redirectUri + "]";
    }
}
