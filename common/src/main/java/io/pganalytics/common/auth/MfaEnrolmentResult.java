package io.pganalytics.common.auth;

import java.util.List;

/**
 * A confirmed enrolment (TOTP or HOTP).
 *
 * @param backupCodes the ten new single-use backup codes when this was the person's first second factor, shown this
 *                    once and never again (the server keeps only their hashes); empty when the person already had codes
 * @param tokens      the finished sign-in's tokens when the enrolment was made during a sign-in; null when signed in
 */
public record MfaEnrolmentResult(List<String> backupCodes, TokenResponse tokens) {
    public MfaEnrolmentResult {
        backupCodes = backupCodes == null ? List.of() : List.copyOf(backupCodes);
    }

    @Override
    public String toString() {
        return "MfaEnrolmentResult[backupCodes=" + backupCodes.size() + " codes, tokens=" + tokens + "]";
    }
}
