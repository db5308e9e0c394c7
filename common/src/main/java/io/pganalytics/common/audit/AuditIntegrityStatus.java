package io.pganalytics.common.audit;

import java.time.Instant;

/**
 * {@code GET /api/v1/audit/status}: where the chain stands and how it is protected.
 *
 * @param ownershipSeparated true when the audit tables belong to a role the server does not log in as (the embedded
 *                           database sets this up; an external one needs docs/audit/integrity.md's SQL), so that the
 *                           application could not disable the triggers even if it wanted to
 * @param tableOwner         the role owning {@code audit.record}
 * @param headSeq            the newest record's seq (0 when none)
 * @param lastCheckpointSeq  the newest signed checkpoint's seq, null when none
 * @param lastCheckpointAt   when it was signed
 * @param signingKeyId       the audit key signing checkpoints now
 * @param minRetentionDays   the database's retention minimum (audit.policy): no record younger is deleted
 * @param archivedToSeq      the newest record archived and removed, null when none: the chain starts after it
 */
public record AuditIntegrityStatus(boolean ownershipSeparated, String tableOwner, long headSeq, Long lastCheckpointSeq,
                                   Instant lastCheckpointAt, String signingKeyId, int minRetentionDays, Long archivedToSeq) {
}
