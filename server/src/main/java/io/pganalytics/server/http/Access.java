package io.pganalytics.server.http;

import io.pganalytics.common.auth.Role;

import java.util.Optional;

/** Who may call a route: declared once per route in {@link ApiRules}, enforced there and documented in the OpenAPI file. */
public enum Access {
    /** Anyone, without credentials (login, JWKS, the OpenAPI document, collector registration with its token). */
    PUBLIC(null),
    /** Any signed-in person, whatever their roles ({@code /auth/me}, {@code /auth/logout}). */
    AUTHENTICATED(null),
    VIEWER(Role.VIEWER),
    OPERATOR(Role.OPERATOR),
    AUDITOR(Role.AUDITOR),
    ADMIN(Role.ADMIN),
    /** A registered collector with its own credential; never a person. */
    COLLECTOR(null);

    private final Role requiredRole;

    Access(Role requiredRole) {
        this.requiredRole = requiredRole;
    }

    public Optional<Role> requiredRole() {
        return Optional.ofNullable(requiredRole);
    }
}
