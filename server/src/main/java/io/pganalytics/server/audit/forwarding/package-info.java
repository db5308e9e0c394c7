/**
 * Continuous forwarding of the audit trail to syslog (RFC 5424 over TCP with TLS), Elasticsearch (bulk API) and
 * Splunk (HTTP Event Collector): each destination's durable position in the database, one node forwarding each
 * destination under a job lease, bounded retry with exponential backoff, lag reported in {@code GET /audit/forwarding}
 * and metrics. Delivery is at-least-once: a restart resends from the last acknowledged position.
 */
package io.pganalytics.server.audit.forwarding;
