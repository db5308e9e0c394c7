package io.pganalytics.common.auth;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An identity provider as the admin API shows it ({@code /api/v1/admin/identity-providers}). Secrets are never shown:
 * only the names of those that are set.
 *
 * @param name        the provider's id in URLs and on its users: 2 to 32 of a-z, 0-9 and '-'
 * @param kind        {@code ldap}, {@code oidc} or {@code saml}
 * @param displayName what the console's sign-in button says
 * @param enabled     whether people may sign in with it
 * @param origin      {@value #CONFIGURATION} (from the server's configuration file: read-only through the API) or
 *                    {@value #API}
 * @param settings    the kind's non-secret settings
 * @param secretsSet  the names of the secrets that have a value, sorted
 * @param roleMapping how the provider's groups or claims become roles
 * @param createdAt   when it was first stored
 * @param updatedAt   when it last changed
 * @param version     increases with each change
 */
public record IdentityProviderView(String name,
                                   String kind,
                                   String displayName,
                                   boolean enabled,
                                   String origin,
                                   Map<String, Object> settings,
                                   List<String> secretsSet,
                                   RoleMappingView roleMapping,
                                   Instant createdAt,
                                   Instant updatedAt,
                                   long version) {
    public static final String CONFIGURATION = "configuration";
    public static final String API = "api";
}
