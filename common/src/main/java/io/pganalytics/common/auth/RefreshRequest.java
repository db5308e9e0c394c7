package io.pganalytics.common.auth;

/** {@code POST /api/v1/auth/refresh} and {@code /auth/logout}. */
public record RefreshRequest(String refreshToken) {
    @Override
    public String toString() {
        return "RefreshRequest[refreshToken=***]";
    }
}
