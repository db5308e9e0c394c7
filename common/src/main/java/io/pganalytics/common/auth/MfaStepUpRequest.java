package io.pganalytics.common.auth;

/**
 * {@code POST /api/v1/auth/mfa/step-up}: proves a second factor again, for an action that asks for a fresh one (an
 * answer of type {@code step_up_required}). Answers a {@link TokenResponse} holding a new access token of the same
 * session with the new second-factor time; its refresh token is null: keep using the one you have.
 *
 * @param method {@code totp}, {@code hotp} or {@code backup-code}
 * @param code   the code; never logged
 */
public record MfaStepUpRequest(String method, String code) {
    @Override
    public String toString() {
        return "MfaStepUpRequest[method=" + method + ", code=***]";
    }
}
