package io.pganalytics.common.audit;

import java.time.Instant;

/**
 * What {@code GET /api/v1/audit/verify} (and {@code pganalytics-server audit verify}) found over a range of the chain.
 *
 * @param intact         true when every record in the range hashes to what the next one says, the seqs have no gap,
 *                       and every checkpoint in the range verifies
 * @param fromSeq        the first record checked
 * @param toSeq          the last record checked
 * @param checked        how many records were read
 * @param firstBadSeq    the first record found wrong; null when intact
 * @param problem        {@code altered} (a record's content does not match its hash), {@code removed} (a seq is
 *                       missing), {@code inserted} (a record does not chain to its predecessor although its own hash
 *                       matches), {@code reordered}, {@code truncated} (the chain ends before a signed checkpoint
 *                       or the recorded head) or {@code bad_checkpoint}; null when intact
 * @param message        one sentence naming the record and what is wrong with it
 * @param checkpoints    how many signed checkpoints in the range verified
 * @param lastCheckpoint the newest verified checkpoint's seq, null when none
 * @param verifiedAt     when the verification ran
 * @param millis         how long it took
 */
public record AuditVerification(boolean intact, long fromSeq, long toSeq, long checked, Long firstBadSeq, String problem,
                                String message, int checkpoints, Long lastCheckpoint, Instant verifiedAt, long millis) {
}
