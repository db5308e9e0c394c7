package io.pganalytics.common.audit;

import java.time.Instant;

/**
 * One forwarding destination as {@code GET /api/v1/audit/forwarding} reports it.
 *
 * @param name            the configured name
 * @param type            {@code syslog}, {@code elasticsearch} or {@code splunk}
 * @param target          where it sends (host and port, or URL); never a secret
 * @param position        the seq of the last record the destination acknowledged
 * @param headSeq         the chain's newest seq
 * @param lagRecords      records not yet delivered: headSeq - position
 * @param oldestPendingAt when the oldest undelivered record was written; null when caught up
 * @param lagSeconds      how long the oldest undelivered record has waited; 0 when caught up
 * @param delivered       records delivered since the destination was first configured (resends included)
 * @param lastError       why the last attempt failed; null once a delivery succeeded after it
 * @param lastErrorAt     when it failed
 * @param forwardingNode  the node holding the destination's lease, null when none does (no node forwards it now)
 * @param updatedAt       when the position last moved
 */
public record AuditForwardingStatus(String name, String type, String target, long position, long headSeq, long lagRecords,
                                    Instant oldestPendingAt, long lagSeconds, long delivered, String lastError, Instant lastErrorAt,
                                    String forwardingNode, Instant updatedAt) {
}
