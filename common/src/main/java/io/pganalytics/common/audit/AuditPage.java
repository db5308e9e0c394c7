package io.pganalytics.common.audit;

import java.util.List;

/**
 * A page of {@code GET /api/v1/audit}, newest first.
 *
 * @param records    at most the page size asked for
 * @param nextBefore the {@code beforeSeq} that gives the next (older) page; null on the last page
 * @param headSeq    the newest record's seq when the page was read: a client polls with {@code afterSeq=headSeq}
 *                   for what came since
 */
public record AuditPage(List<AuditRecordView> records, Long nextBefore, long headSeq) {
    public AuditPage {
        records = List.copyOf(records);
    }
}
