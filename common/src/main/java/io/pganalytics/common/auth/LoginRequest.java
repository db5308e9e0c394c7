package io.pganalytics.common.auth;

/**
 * {@code POST /api/v1/auth/login}.
 *
 * @param username the user name
 * @param password the password; never logged
 * @param provider the identity provider that checks the password: null or {@code local} for a local user, else the
 *                 name of a password provider (LDAP) from {@code GET /api/v1/auth/providers}
 */
public record LoginRequest(String username, String password, String provider) {
    /** A local user's sign-in. */
    public LoginRequest(String username, String password) {
        this(username, password, null);
    }

    @Override
    public String toString() {
        return "LoginRequest[username=" + username + ", password=***, provider=" + provider + "]";
    }
}
