package io.pganalytics.server.audit;

import io.helidon.config.Config;
import io.pganalytics.server.audit.forwarding.ForwardingConfig;
import io.pganalytics.server.config.Settings;

import java.time.Duration;

/**
 * The {@code audit} node.
 *
 * @param minRetentionDays how long every record is kept at least (nobody may delete a younger one); 90 or more
 * @param queueCapacity    how many records waiting to be written asynchronously (API calls, sign-ins) a node holds at
 *                         most; past it, a caller waits up to {@code queueWait} and then the record is counted as lost
 *                         (and the loss itself is recorded)
 * @param queueWait        how long a caller waits for room in a full queue
 * @param flushInterval    the longest an asynchronous record waits before it is written: the window of loss on a crash
 * @param flushBatch       how many asynchronous records one write appends at most
 * @param confirmationTtl  how long an admin has to confirm a destructive action ({@link Confirmations})
 * @param exportMaxRecords how many records one download ({@code GET /audit/export}) may hold at most
 * @param forwarding       the destinations the trail is forwarded to ({@code audit.forwarding}, a list)
 * @param checkpointInterval how often one node signs the chain's head (when it moved) with the audit key
 * @param archiveAfterDays   records older than this (and than the retention minimum) are archived to a signed file
 *                           and removed; 0 means the retention minimum
 * @param archiveInterval    how often one node looks for records to archive
 */
public record AuditConfig(int minRetentionDays, int queueCapacity, Duration queueWait, Duration flushInterval, int flushBatch,
                          Duration confirmationTtl, int exportMaxRecords, ForwardingConfig forwarding,
                          Duration checkpointInterval, int archiveAfterDays, Duration archiveInterval) {

    /** The age past which records are archived and removed: at least the retention minimum. */
    public int archiveAfterDaysEffective() {
        return Math.max(archiveAfterDays, minRetentionDays);
    }

    public static AuditConfig defaults() {
        return from(Config.empty());
    }

    public static AuditConfig from(Config node) {
        return new AuditConfig(
                Settings.integer(node, "min-retention-days", 90, 90, 36500),
                Settings.integer(node, "queue-capacity", 20_000, 100, 1_000_000),
                Settings.duration(node, "queue-wait", Duration.ofMillis(200), Duration.ZERO, Duration.ofSeconds(10)),
                Settings.duration(node, "flush-interval", Duration.ofMillis(200), Duration.ofMillis(10), Duration.ofSeconds(5)),
                Settings.integer(node, "flush-batch", 1000, 1, 10_000),
                Settings.duration(node, "confirmation-ttl", Duration.ofMinutes(2), Duration.ofSeconds(10), Duration.ofMinutes(15)),
                Settings.integer(node, "export-max-records", 1_000_000, 1, 10_000_000),
                ForwardingConfig.from(node),
                Settings.duration(node, "checkpoint-interval", Duration.ofMinutes(5), Duration.ofMillis(100), Duration.ofDays(1)),
                Settings.integer(node, "archive-after-days", 0, 0, 36500),
                Settings.duration(node, "archive-interval", Duration.ofHours(1), Duration.ofMillis(100), Duration.ofDays(7)));
    }
}
