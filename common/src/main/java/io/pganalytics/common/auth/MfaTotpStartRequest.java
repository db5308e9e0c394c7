package io.pganalytics.common.auth;

/**
 * {@code POST /api/v1/auth/mfa/totp}: starts enrolling an authenticator app. Signed in (Bearer token), or during a
 * sign-in whose challenge says {@link MfaChallenge#enrolmentRequired()}, naming that challenge. Answers
 * {@link MfaTotpEnrolment}; replacing an enrolled app needs a fresh second factor (step-up).
 *
 * @param challenge the sign-in's {@link MfaChallenge#challenge()}; null when signed in
 */
public record MfaTotpStartRequest(String challenge) {
    @Override
    public String toString() {
        return "MfaTotpStartRequest[challenge=" + (challenge == null ? "null" : "***") + "]";
    }
}
