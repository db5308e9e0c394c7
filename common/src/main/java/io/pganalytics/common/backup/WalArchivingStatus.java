package io.pganalytics.common.backup;

import java.time.Instant;

/**
 * Continuous WAL archiving of the product's own database: what bounds the data a restore to the latest point loses.
 *
 * @param enabled        whether WAL is archived
 * @param lastArchived   the newest WAL segment in the repository
 * @param lastArchivedAt when it arrived there
 * @param pending        segments written by PostgreSQL and not yet in the repository
 * @param failing        true when the last attempt failed
 * @param lastError      that attempt's error
 * @param archiveTimeout the longest PostgreSQL waits before it hands over a segment ({@code 60s}): with the shipping
 *                       interval, what bounds the recovery point
 */
public record WalArchivingStatus(boolean enabled, String lastArchived, Instant lastArchivedAt, long pending, boolean failing,
                                 String lastError, String archiveTimeout) {
}
