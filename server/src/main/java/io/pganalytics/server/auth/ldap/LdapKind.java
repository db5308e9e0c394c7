package io.pganalytics.server.auth.ldap;

import io.pganalytics.server.auth.provider.IdentityProvider;
import io.pganalytics.server.auth.provider.ProviderContext;
import io.pganalytics.server.auth.provider.ProviderDefinition;
import io.pganalytics.server.auth.provider.ProviderKind;

/** LDAP and Active Directory providers ({@code kind: ldap}); their settings are listed in docs/enterprise-auth/ldap.md. */
public final class LdapKind implements ProviderKind {
    public static final String KIND = "ldap";

    @Override
    public String kind() {
        return KIND;
    }

    /** Reads and checks the settings and loads the trust store; opens no connection yet. */
    @Override
    public IdentityProvider create(ProviderDefinition definition, ProviderContext context) {
        return new LdapProvider(definition, LdapSettings.from(definition, context.dataDir()));
    }
}
