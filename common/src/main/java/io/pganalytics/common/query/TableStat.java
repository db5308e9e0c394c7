package io.pganalytics.common.query;

import java.time.Instant;

/**
 * One table: its latest snapshot, and its scans and writes over the range.
 *
 * @param datname        the database
 * @param schemaname     the schema
 * @param relname        the table
 * @param collectedAt    when the latest snapshot was taken
 * @param seqScan        sequential scans in the range
 * @param seqTupRead     rows read by them
 * @param idxScan        index scans in the range
 * @param rowsWritten    rows inserted, updated and deleted in the range
 * @param liveTuples     n_live_tup at the latest snapshot
 * @param deadTuples     n_dead_tup at the latest snapshot
 * @param lastVacuum     the later of last_vacuum and last_autovacuum
 * @param lastAnalyze    the later of last_analyze and last_autoanalyze
 * @param tableBytes     the heap's size
 * @param indexesBytes   its indexes' size
 * @param totalBytes     everything, TOAST included
 */
public record TableStat(String datname, String schemaname, String relname, Instant collectedAt, Long seqScan, Long seqTupRead,
                        Long idxScan, Long rowsWritten, Long liveTuples, Long deadTuples, Instant lastVacuum,
                        Instant lastAnalyze, Long tableBytes, Long indexesBytes, Long totalBytes) {
}
