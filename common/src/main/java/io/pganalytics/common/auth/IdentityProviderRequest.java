package io.pganalytics.common.auth;

import java.util.Map;

/**
 * Creates ({@code POST /api/v1/admin/identity-providers}) or replaces ({@code PUT .../{name}}) an identity provider.
 * On a replace, {@code name} may be omitted (it must match the path when given) and {@code kind} cannot change; a
 * secret left out keeps its value and a secret given as {@code ""} is removed.
 *
 * @param name        2 to 32 of a-z, 0-9 and '-', not {@code local}
 * @param kind        a provider kind this server knows ({@code ldap}, {@code oidc}, {@code saml})
 * @param displayName what the console's sign-in button says; the name when omitted
 * @param enabled     whether people may sign in with it; true when omitted
 * @param settings    the kind's non-secret settings
 * @param secrets     the kind's secrets (bind password, client secret...); write-only, never logged or returned
 * @param roleMapping how the provider's groups or claims become roles (required)
 */
public record IdentityProviderRequest(String name,
                                      String kind,
                                      String displayName,
                                      Boolean enabled,
                                      Map<String, Object> settings,
                                      Map<String, String> secrets,
                                      RoleMappingView roleMapping) {
    @Override
    public String toString() {
        return "IdentityProviderRequest[name=" + name + ", kind=" + kind + ", displayName=" + displayName + ", enabled="
                + enabled + ", settings=" + settings + ", secrets=" + (secrets == null ? "none" : secrets.keySet() + " (values hidden)")
                + ", roleMapping=" + roleMapping + "]";
    }
}
