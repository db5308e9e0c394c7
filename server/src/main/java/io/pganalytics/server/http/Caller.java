package io.pganalytics.server.http;

import io.pganalytics.common.auth.Role;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Who made a request, once authenticated.
 *
 * @param kind      a person or a collector
 * @param id        the user's or collector's id
 * @param name      the user name or collector name, for logs and audit
 * @param roles     a person's roles; empty for collectors
 * @param sessionId the login session (refresh-token family) an access token belongs to; empty for collectors
 * @param expiresAt when the credential the request carried stops being valid (a person's access token); null when
 *                  it does not expire by itself (a collector's credential)
 * @param secondFactorAt when the person's session last proved a second factor (sign-in or step-up); null when never
 */
public record Caller(Kind kind, String id, String name, Set<Role> roles, String sessionId, Instant expiresAt,
                     Instant secondFactorAt) {
    public enum Kind { USER, COLLECTOR }

    public Caller {
        roles = roles == null ? Set.of() : Set.copyOf(roles);
        sessionId = sessionId == null ? "" : sessionId;
    }

    /** A caller whose session never proved a second factor. */
    public Caller(Kind kind, String id, String name, Set<Role> roles, String sessionId, Instant expiresAt) {
        this(kind, id, name, roles, sessionId, expiresAt, null);
    }

    /** A caller whose credential does not expire by itself. */
    public Caller(Kind kind, String id, String name, Set<Role> roles, String sessionId) {
        this(kind, id, name, roles, sessionId, null, null);
    }

    public Optional<Instant> credentialExpiry() {
        return Optional.ofNullable(expiresAt);
    }

    public boolean isUser() {
        return kind == Kind.USER;
    }
}
