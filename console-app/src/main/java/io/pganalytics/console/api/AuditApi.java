package io.pganalytics.console.api;

import io.pganalytics.common.audit.AuditPage;
import io.pganalytics.common.audit.AuditVerification;

import java.nio.file.Path;
import java.time.Instant;

/**
 * The audit trail as an auditor or admin reads it ({@link ConsoleApi#audit()}). Every method blocks (call it off the
 * FX thread) and fails with an {@link ApiException}; a person without the auditor or admin role is refused (forbidden).
 */
public interface AuditApi {
    /** The most the server returns in one page. */
    int MAX_PAGE = 500;

    /**
     * A page of records matching {@code query}, newest first: the newest ones ({@code beforeSeq} and {@code afterSeq}
     * null), the ones older than {@code beforeSeq}, or the ones that came after {@code afterSeq} (a page's
     * {@link AuditPage#headSeq()}).
     */
    AuditPage search(AuditQuery query, Long beforeSeq, Long afterSeq, int limit);

    /** Walks the chain and says whether it is intact, or the first record found wrong and how. */
    AuditVerification verify();

    /**
     * Streams every record from {@code from} to {@code to} (either null: unbounded) as {@code format} ({@code jsonl} or
     * {@code csv}) into {@code file}: written owner-only beside it first and moved into place once complete, so a failed
     * export never leaves half a file under the chosen name. An export is a contiguous part of the chain (what an
     * independent verifier needs), so it takes a time range, not the search's other filters.
     *
     * @return the bytes written
     */
    long export(Instant from, Instant to, String format, Path file);
}
