package io.pganalytics.common.collectors;

/**
 * {@code POST /api/v1/collectors/registration-tokens}: every field optional (an empty body takes the defaults).
 *
 * @param note             what the token is for, e.g. the host it will register (at most 500 characters)
 * @param expiresInSeconds how long the token may be used; the server's default (24 h) when absent, at most its
 *                         maximum (30 days)
 * @param maxUses          how many collectors may register with it, 1 (the default) to {@link #MAX_USES}; a DaemonSet
 *                         on N nodes shares one token with at least N uses
 */
public record CreateRegistrationTokenRequest(String note, Long expiresInSeconds, Integer maxUses) {
    /** The most registrations one token may allow. */
    public static final int MAX_USES = 10_000;

    /** A one-time token, as before multi-use tokens existed. */
    public CreateRegistrationTokenRequest(String note, Long expiresInSeconds) {
        this(note, expiresInSeconds, null);
    }
}
