package io.pganalytics.server.auth;

import io.pganalytics.common.auth.Role;

import java.util.Objects;
import java.util.Set;

/**
 * A person as an identity provider vouched for them, after its checks passed and its role mapping ran: what
 * {@code SignIns} turns into a local user and a session.
 *
 * @param provider    the identity provider's name (its {@code source} on the local user)
 * @param subject     the provider's stable id for the person: an LDAP entry's DN (or objectGUID), an OIDC {@code sub},
 *                    a SAML NameID; never reassigned to someone else by the provider
 * @param username    the name the person signs in with, checked against the local user-name rules
 * @param displayName a name to show, or null
 * @param email       an e-mail address, or null
 * @param groups      the directory groups or claim values the mapping read (kept for the sync job and for audit)
 * @param roles       the mapped roles; never empty (a mapping that yields nothing refuses before this is made)
 * @param authMethods RFC 8176 {@code amr} values that the provider asserted (its own MFA counts when configured so)
 */
public record ExternalIdentity(String provider, String subject, String username, String displayName, String email,
                               Set<String> groups, Set<Role> roles, Set<String> authMethods) {
    public ExternalIdentity {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(username, "username");
        groups = groups == null ? Set.of() : Set.copyOf(groups);
        roles = Set.copyOf(Objects.requireNonNull(roles, "roles"));
        if (roles.isEmpty()) {
            throw new IllegalArgumentException("an external identity needs at least one mapped role");
        }
        authMethods = authMethods == null ? Set.of() : Set.copyOf(authMethods);
    }
}
