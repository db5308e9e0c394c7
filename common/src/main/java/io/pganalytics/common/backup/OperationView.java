package io.pganalytics.common.backup;

import java.time.Instant;
import java.util.UUID;

/**
 * One run of a backup, a verification, a restore, a second-region copy or an expiry, with its progress.
 *
 * @param kind        {@code backup}, {@code verify}, {@code restore}, {@code copy} or {@code expire}
 * @param state       {@code running}, {@code succeeded} or {@code failed}
 * @param backupId    the backup it made or works on; null when none (yet)
 * @param phase       what it is doing now, for a person ({@code copying files}, {@code replaying WAL})
 * @param doneBytes   bytes done so far
 * @param totalBytes  bytes it expects to do; null when unknown
 * @param error       why it failed; null unless {@code failed}
 * @param requestedBy {@code schedule}, or the id of the user who asked
 */
public record OperationView(UUID id, String kind, String state, String backupId, String phase, long doneBytes,
                            Long totalBytes, Instant startedAt, Instant finishedAt, String error, String node,
                            String requestedBy) {
    public static final String RUNNING = "running";
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";

    /** Done as a fraction of the total, 0 to 1; -1 when the total is unknown. */
    public double fraction() {
        if (totalBytes == null || totalBytes <= 0) {
            return state.equals(SUCCEEDED) ? 1 : -1;
        }
        return Math.min(1.0, (double) doneBytes / totalBytes);
    }
}
