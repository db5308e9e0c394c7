package io.pganalytics.common.auth;

import java.util.Set;

/** {@code POST /api/v1/users}: a local user with a password. */
public record CreateUserRequest(String username, String displayName, String password, Set<Role> roles) {
    @Override
    public String toString() {
        return "CreateUserRequest[username=" + username + ", displayName=" + displayName + ", password=***, roles=" + roles + "]";
    }
}
