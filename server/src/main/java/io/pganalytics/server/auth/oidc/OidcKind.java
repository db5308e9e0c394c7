package io.pganalytics.server.auth.oidc;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pganalytics.server.auth.provider.IdentityProvider;
import io.pganalytics.server.auth.provider.ProviderContext;
import io.pganalytics.server.auth.provider.ProviderDefinition;
import io.pganalytics.server.auth.provider.ProviderKind;

import java.security.SecureRandom;

/**
 * Kind {@code oidc}: an OpenID Connect provider. Settings: {@code issuer} (required), {@code clientId} (required),
 * {@code scopes}, {@code usernameClaim} ({@code preferred_username}), {@code groupsClaim} ({@code groups}),
 * {@code allowedAlgorithms} (RS256, ES256), {@code clockSkew} (60 s, at most 5 min), {@code trustProviderMfa} (amr or
 * acr values that count as a second factor); secret {@code clientSecret} (absent: a public client).
 */
public final class OidcKind implements ProviderKind {
    public static final String KIND = "oidc";

    private final ObjectMapper mapper = new ObjectMapper();
    private final SecureRandom random = new SecureRandom();

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public IdentityProvider create(ProviderDefinition definition, ProviderContext context) {
        return new OidcProvider(definition, OidcSettings.from(definition), mapper, context.clock(), random);
    }
}
