package io.pganalytics.common.auth;

/**
 * {@code POST /api/v1/auth/mfa/totp/confirm}: proves the app holds the secret. Answers {@link MfaEnrolmentResult}.
 *
 * @param enrolmentId {@link MfaTotpEnrolment#enrolmentId()}
 * @param code        the app's current code
 * @param challenge   the sign-in's challenge when enrolling during sign-in (the sign-in then completes); null when
 *                    signed in
 */
public record MfaTotpConfirmRequest(String enrolmentId, String code, String challenge) {
    @Override
    public String toString() {
        return "MfaTotpConfirmRequest[enrolmentId=***, code=***, challenge=" + (challenge == null ? "null" : "***") + "]";
    }
}
