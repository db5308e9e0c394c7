package io.pganalytics.common.auth;

/**
 * One way to sign in, as the console's sign-in screen lists it ({@code GET /api/v1/auth/providers}, public).
 *
 * @param name        the provider's name: {@code local}, or an identity provider's; what {@link LoginRequest#provider()}
 *                    and the SSO start URL take
 * @param kind        {@code local}, {@code ldap}, {@code oidc} or {@code saml}
 * @param displayName what the button or form says
 * @param signIn      {@value #PASSWORD} (a user name and password form: local, LDAP) or {@value #BROWSER} (single
 *                    sign-on through the system browser: OIDC, SAML)
 */
public record ProviderSummary(String name, String kind, String displayName, String signIn) {
    public static final String PASSWORD = "password";
    public static final String BROWSER = "browser";
    public static final String LOCAL = "local";

    /** The server's own users, always listed first. */
    public static ProviderSummary local() {
        return new ProviderSummary(LOCAL, LOCAL, "Local account", PASSWORD);
    }
}
