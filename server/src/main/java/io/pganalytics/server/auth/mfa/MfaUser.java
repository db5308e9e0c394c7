package io.pganalytics.server.auth.mfa;

import io.pganalytics.common.auth.Role;

import java.util.Set;

/** A user as the MFA checks see them. */
public record MfaUser(long id, String username, Set<Role> roles, boolean enabled) {
    public MfaUser {
        roles = Set.copyOf(roles);
    }
}
