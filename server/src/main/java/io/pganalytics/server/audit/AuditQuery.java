package io.pganalytics.server.audit;

import java.time.Instant;
import java.util.Optional;

/**
 * The filters of {@code GET /audit}, already validated. Absent filters are empty.
 *
 * @param actor        a user name (resolved to its id), a collector name, or an actor id as stored
 * @param action       an exact action, or a prefix when it ends with {@code *} ({@code user.*})
 * @param from         records at or after this instant
 * @param to           records before this instant
 * @param text         free text looked for (case-insensitive, literally) in action, resource and details
 * @param beforeSeq    only records older than this seq (the next page)
 * @param afterSeq     only records newer than this seq (polling); the page then holds the oldest ones after it
 * @param limit        records at most, 1 to {@link AuditSearch#MAX_LIMIT}
 */
public record AuditQuery(Optional<String> actor, Optional<String> action, Optional<String> category, Optional<String> resourceType,
                         Optional<String> resourceId, Optional<String> outcome, Optional<String> node, Optional<Instant> from,
                         Optional<Instant> to, Optional<String> text, Optional<Long> beforeSeq, Optional<Long> afterSeq, int limit) {

    /** Everything, newest first, {@code limit} at most. */
    public static AuditQuery all(int limit) {
        return new AuditQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), limit);
    }

    public boolean polling() {
        return afterSeq.isPresent();
    }
}
