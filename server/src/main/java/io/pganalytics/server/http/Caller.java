package io.pganalytics.server.http;

import io.pganalytics.common.auth.Role;

import java.util.Set;

/**
 * Who made a request, once authenticated.
 *
 * @param kind      a person or a collector
 * @param id        the user's or collector's id
 * @param name      the user name or collector name, for logs and audit
 * @param roles     a person's roles; empty for collectors
 * @param sessionId the login session (refresh-token family) an access token belongs to; empty for collectors
 */
public record Caller(Kind kind, String id, String name, Set<Role> roles, String sessionId) {
    public enum Kind { USER, COLLECTOR }

    public Caller {
        roles = roles == null ? Set.of() : Set.copyOf(roles);
        sessionId = sessionId == null ? "" : sessionId;
    }

    public boolean isUser() {
        return kind == Kind.USER;
    }
}
