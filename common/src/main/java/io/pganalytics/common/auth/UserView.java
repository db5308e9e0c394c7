package io.pganalytics.common.auth;

import java.time.Instant;
import java.util.Set;

/** A user as the API shows it: never a password or its hash. */
public record UserView(long id,
                       String username,
                       String displayName,
                       Set<Role> roles,
                       String source,
                       boolean enabled,
                       Instant createdAt,
                       Instant lastLoginAt) {
}
