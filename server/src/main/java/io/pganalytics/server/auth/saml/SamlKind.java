package io.pganalytics.server.auth.saml;

import io.pganalytics.server.auth.provider.IdentityProvider;
import io.pganalytics.server.auth.provider.ProviderContext;
import io.pganalytics.server.auth.provider.ProviderDefinition;
import io.pganalytics.server.auth.provider.ProviderKind;

/** SAML 2.0 identity providers ({@code kind: saml}): reads and checks the settings, contacts nothing until used. */
public final class SamlKind implements ProviderKind {
    public static final String KIND = "saml";

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public IdentityProvider create(ProviderDefinition definition, ProviderContext context) {
        return new SamlProvider(definition, SamlSettings.from(definition, context.dataDir()), context);
    }
}
