package io.pganalytics.common.auth;

import java.util.List;

/**
 * {@code POST /api/v1/auth/mfa/backup-codes}: ten new single-use backup codes, replacing every earlier one. Shown this
 * once; the server keeps only their hashes.
 */
public record MfaBackupCodes(List<String> backupCodes) {
    public MfaBackupCodes {
        backupCodes = backupCodes == null ? List.of() : List.copyOf(backupCodes);
    }

    @Override
    public String toString() {
        return "MfaBackupCodes[" + backupCodes.size() + " codes]";
    }
}
