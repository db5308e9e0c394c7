package io.pganalytics.common.backup;

import java.time.Instant;

/**
 * A span of time the database can be restored to any point of: from a backup's consistent point to the newest WAL
 * archived without a gap after it.
 *
 * @param from     the earliest restorable time (the backup's end)
 * @param to       the latest restorable time (the end of the WAL archived without a gap)
 * @param backupId the backup a restore in this window starts from (the newest one before the time asked)
 * @param timeline the PostgreSQL timeline
 */
public record RecoveryWindow(Instant from, Instant to, String backupId, int timeline) {
    public boolean contains(Instant time) {
        return !time.isBefore(from) && !time.isAfter(to);
    }
}
