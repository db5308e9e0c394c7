package io.pganalytics.server.auth.provider;

/** One kind of identity provider: reads and checks a definition's settings and makes a live provider of it. */
public interface ProviderKind {
    /** {@code ldap}, {@code oidc} or {@code saml}: the {@code kind} of the definitions this kind reads. */
    String kind();

    /**
     * Makes a live provider. Throws {@code ApiException.invalid} naming the setting ({@code settings.url},
     * {@code secrets.bindPassword}...) when a definition is wrong; contacts nothing yet.
     */
    IdentityProvider create(ProviderDefinition definition, ProviderContext context);
}
