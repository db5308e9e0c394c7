/**
 * The audit trail, for auditors and admins: filters, a list that follows new records as they are written (polling
 * {@code afterSeq}), older pages on demand, a record's detail with its values before and after a change (changed,
 * added and removed fields marked; personal data that was erased said so plainly), the chain's verification, and an
 * export to a file (JSON lines or CSV) streamed from the server.
 */
package io.pganalytics.console.audit;
