package io.pganalytics.common.auth;

import java.util.List;

/** The second-factor methods' wire names, as {@link MfaChallenge#methods()} and the MFA requests carry them. */
public final class MfaMethods {
    /** A time-based one-time password from an authenticator app (RFC 6238). */
    public static final String TOTP = "totp";
    /** A counter-based one-time password from a hardware token (RFC 4226). */
    public static final String HOTP = "hotp";
    /** One of the ten single-use backup codes. */
    public static final String BACKUP_CODE = "backup-code";
    /** Every method, in the order a client offers them. */
    public static final List<String> ALL = List.of(TOTP, HOTP, BACKUP_CODE);

    private MfaMethods() {
    }
}
