package io.pganalytics.common.auth;

/**
 * {@code POST /api/v1/auth/mfa/hotp/resync}: a hardware token pressed too often away from the server drifts past the
 * look-ahead window; two consecutive codes found within the larger resynchronisation window move the server's
 * counter past them. Signed in (with a backup code, if the token no longer signs in). Answers {@link MfaStatus}.
 *
 * @param code     a code from the token
 * @param nextCode the token's very next code
 */
public record MfaHotpResyncRequest(String code, String nextCode) {
    @Override
    public String toString() {
        return "MfaHotpResyncRequest[code=***, nextCode=***]";
    }
}
