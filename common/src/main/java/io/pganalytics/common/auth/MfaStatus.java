package io.pganalytics.common.auth;

import java.time.Instant;
import java.util.List;

/**
 * {@code GET /api/v1/auth/mfa}: the signed-in person's second factors.
 *
 * @param required             the policy requires a second factor of this person
 * @param enrolled             at least one second factor (TOTP or HOTP) is enrolled
 * @param methods              the methods this person can use now ({@link MfaMethods}); {@code backup-code} only while
 *                             unused codes remain
 * @param totpEnrolledAt       when the authenticator app was enrolled; null when none
 * @param hotpEnrolledAt       when the hardware token was registered; null when none
 * @param backupCodesRemaining unused backup codes
 * @param secondFactorAt       when this session last proved a second factor (the sign-in or a step-up); null if never
 */
public record MfaStatus(boolean required,
                        boolean enrolled,
                        List<String> methods,
                        Instant totpEnrolledAt,
                        Instant hotpEnrolledAt,
                        int backupCodesRemaining,
                        Instant secondFactorAt) {
    public MfaStatus {
        methods = methods == null ? List.of() : List.copyOf(methods);
    }
}
