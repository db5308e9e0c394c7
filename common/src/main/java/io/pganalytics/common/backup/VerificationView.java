package io.pganalytics.common.backup;

import java.time.Instant;
import java.util.List;

/**
 * The last verification of a backup by a real restore into a scratch PostgreSQL.
 *
 * @param state      {@code none} (never verified), {@code running}, {@code passed} or {@code failed}
 * @param verifiedAt when the last verification ended; null if none did
 * @param checks     what was checked and what was found, in order
 */
public record VerificationView(String state, Instant verifiedAt, List<Check> checks) {
    public static final String NONE = "none";
    public static final String PASSED = "passed";
    public static final String FAILED = "failed";

    public VerificationView {
        checks = checks == null ? List.of() : List.copyOf(checks);
    }

    /**
     * One check: {@code restore} (the files and WAL read, decrypted and matched their checksums), {@code recovery}
     * (PostgreSQL replayed WAL to the target and started), {@code metadata} (the metadata tables readable),
     * {@code newest-sample} (per family), {@code row-counts}, {@code amcheck} (B-tree indexes).
     *
     * @param detail what was found, for a person: names the file, segment, table or index at fault
     */
    public record Check(String name, boolean passed, String detail) {
    }
}
