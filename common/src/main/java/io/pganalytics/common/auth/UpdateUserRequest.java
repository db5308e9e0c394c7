package io.pganalytics.common.auth;

import java.util.Set;

/** {@code PATCH /api/v1/users/{id}}: every field optional; an absent field is left as it is. */
public record UpdateUserRequest(String displayName, String password, Set<Role> roles, Boolean enabled) {
    @Override
    public String toString() {
        return "UpdateUserRequest[displayName=" + displayName + ", password=" + (password == null ? "null" : "***")
                + ", roles=" + roles + ", enabled=" + enabled + "]";
    }
}
