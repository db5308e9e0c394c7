package io.pganalytics.common.collectors;

/**
 * {@code POST /api/v1/collectors/registration-tokens}: every field optional (an empty body takes the defaults).
 *
 * @param note             what the token is for, e.g. the host it will register (at most 500 characters)
 * @param expiresInSeconds how long the token may be used; the server's default (24 h) when absent, at most its
 *                         maximum (30 days)
 */
public record CreateRegistrationTokenRequest(String note, Long expiresInSeconds) {
}
