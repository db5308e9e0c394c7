package io.pganalytics.common.auth;

import java.time.Instant;

/**
 * A started TOTP enrolment: show {@code otpauthUri} as a QR code (or {@code secret} for typing), then confirm with the
 * app's first code ({@link MfaTotpConfirmRequest}) before {@code expiresAt}.
 *
 * @param enrolmentId names this enrolment in the confirmation; single use
 * @param secret      the shared secret, base32 (RFC 4648, no padding)
 * @param otpauthUri  {@code otpauth://totp/<issuer>:<user>?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30}
 * @param expiresAt   when the enrolment is forgotten unless confirmed
 */
public record MfaTotpEnrolment(String enrolmentId, String secret, String otpauthUri, Instant expiresAt) {
    @Override
    public String toString() {
        return "MfaTotpEnrolment[enrolmentId=***, secret=***, expiresAt=" + expiresAt + "]";
    }
}
