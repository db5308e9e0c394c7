/**
 * The audit trail: an append-only, hash-chained record of every API call, sign-in and change (docs/AUDIT.md).
 * {@link io.pganalytics.server.audit.AuditLog} is the one writer; every feature hands it
 * {@link io.pganalytics.server.audit.AuditEvent}s.
 */
package io.pganalytics.server.audit;
