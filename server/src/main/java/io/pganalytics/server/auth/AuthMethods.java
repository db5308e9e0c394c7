package io.pganalytics.server.auth;

/**
 * How a person proved who they are: the RFC 8176 {@code amr} values this server writes and reads. An identity
 * provider's own values (in an OIDC {@code amr} claim or mapped from a SAML AuthnContext) are kept as they come.
 */
public final class AuthMethods {
    /** A password: the local one or a directory bind. */
    public static final String PASSWORD = "pwd";
    /** A one-time password (TOTP or HOTP). */
    public static final String ONE_TIME_PASSWORD = "otp";
    /** A hardware token's one-time password (HOTP). */
    public static final String HARDWARE_KEY = "hwk";
    /** A single-use backup code. */
    public static final String BACKUP_CODE = "kba";
    /** Multiple factors. */
    public static final String MULTI_FACTOR = "mfa";
    /** Signed in through an external identity provider's browser flow (OIDC or SAML). */
    public static final String FEDERATED = "fed";

    private AuthMethods() {
    }
}
