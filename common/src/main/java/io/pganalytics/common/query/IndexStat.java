package io.pganalytics.common.query;

import java.time.Instant;

/**
 * One index: its latest snapshot and its scans over the range.
 *
 * @param datname      the database
 * @param schemaname   the schema
 * @param relname      the table
 * @param indexrelname the index
 * @param collectedAt  when the latest snapshot was taken
 * @param idxScan      scans in the range; null when the range holds no interval for it (only a baseline)
 * @param sizeBytes    its size
 * @param valid        whether it is valid
 * @param unique       whether it is unique
 * @param primary      whether it is the primary key
 * @param lastIdxScan  last_idx_scan (PostgreSQL 16+), or null
 * @param unused       no scan in the range although the range has data for it, and neither unique nor primary
 */
public record IndexStat(String datname, String schemaname, String relname, String indexrelname, Instant collectedAt,
                        Long idxScan, Long sizeBytes, Boolean valid, Boolean unique, Boolean primary, Instant lastIdxScan,
                        boolean unused) {
}
