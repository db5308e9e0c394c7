package io.pganalytics.server.auth.provider;

import java.util.Map;
import java.util.Objects;

/**
 * One identity provider as configured: what the configuration file or the admin API says, validated by its
 * {@link ProviderKind} when a live provider is made from it.
 *
 * @param name        the provider's id in URLs and on its users ({@code source}): 2 to 32 of a-z, 0-9 and '-'
 * @param kind        {@code ldap}, {@code oidc} or {@code saml}
 * @param displayName what the console's sign-in button says
 * @param enabled     whether people may sign in with it
 * @param settings    the kind's non-secret settings (URLs, filters, client ids...), as JSON-like values
 * @param secrets     the kind's secrets (bind password, client secret, key passwords): write-only, never shown
 * @param roleMapping how the provider's groups, claims or attributes become roles
 */
public record ProviderDefinition(String name, String kind, String displayName, boolean enabled,
                                 Map<String, Object> settings, Map<String, String> secrets, RoleMapping roleMapping) {
    public ProviderDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        displayName = displayName == null || displayName.isBlank() ? name : displayName;
        settings = settings == null ? Map.of() : Map.copyOf(settings);
        secrets = secrets == null ? Map.of() : Map.copyOf(secrets);
        Objects.requireNonNull(roleMapping, "roleMapping");
    }

    @Override
    public String toString() {
        return "ProviderDefinition[name=" + name + ", kind=" + kind + ", enabled=" + enabled + ", settings=" + settings
                + ", secrets=" + secrets.keySet() + " (values hidden), roleMapping=" + roleMapping + "]";
    }
}
