package io.pganalytics.common.auth;

/**
 * {@code POST /api/v1/auth/mfa/hotp}: registers a hardware token (RFC 4226 HOTP, HMAC-SHA-1) from its seed, proven
 * with one code the token shows now. Signed in, or during a sign-in whose challenge says enrolment is required.
 * Answers {@link MfaEnrolmentResult}; replacing a registered token needs a fresh second factor (step-up).
 *
 * @param secret       the token's seed as its vendor ships it; never logged or returned
 * @param secretFormat {@code hex} (the usual form of hardware-token seed files) or {@code base32}; null means hex
 * @param digits       6 or 8; null means 6
 * @param counter      the token's counter now (0 for a new token); null means 0. The code must be within the
 *                     look-ahead window from it
 * @param code         a code the token shows now
 * @param challenge    the sign-in's challenge when registering during sign-in; null when signed in
 */
public record MfaHotpRegistration(String secret, String secretFormat, Integer digits, Long counter, String code,
                                  String challenge) {
    @Override
    public String toString() {
        return "MfaHotpRegistration[secret=***, secretFormat=" + secretFormat + ", digits=" + digits + ", counter="
                + counter + ", code=***, challenge=" + (challenge == null ? "null" : "***") + "]";
    }
}
