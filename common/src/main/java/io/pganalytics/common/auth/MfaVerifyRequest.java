package io.pganalytics.common.auth;

/**
 * {@code POST /api/v1/auth/mfa/verify}: finishes a sign-in that answered with an {@link MfaChallenge}. Answers a
 * {@link TokenResponse} with tokens. A wrong code answers 401 and may be tried again, at most five times per challenge.
 *
 * @param challenge {@link MfaChallenge#challenge()}
 * @param method    {@code totp}, {@code hotp} or {@code backup-code} ({@link MfaMethods})
 * @param code      the code; never logged
 */
public record MfaVerifyRequest(String challenge, String method, String code) {
    @Override
    public String toString() {
        return "MfaVerifyRequest[challenge=***, method=" + method + ", code=***]";
    }
}
