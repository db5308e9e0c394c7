package io.pganalytics.console.api;

/**
 * One enabled identity provider as {@code GET /api/v1/auth/providers} lists it for the sign-in screen.
 *
 * @param name        what the console sends back ({@code local}, {@code corp-ldap}, {@code keycloak})
 * @param kind        {@code local}, {@code ldap}, {@code oidc} or {@code saml}
 * @param displayName what a person reads ("Company directory", "Keycloak")
 * @param signIn      {@code password} (the form) or {@code browser} (single sign-on)
 */
public record ProviderSummary(String name, String kind, String displayName, String signIn) {
    /** What a server without identity providers offers. */
    public static final ProviderSummary LOCAL = new ProviderSummary("local", "local", "Local account", "password");

    public boolean browser() {
        return "browser".equals(signIn);
    }

    public String label() {
        return displayName == null || displayName.isBlank() ? name : displayName;
    }
}
