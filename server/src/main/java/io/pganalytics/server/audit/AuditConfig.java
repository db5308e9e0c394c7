package io.pganalytics.server.audit;

import io.helidon.config.Config;
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
 * @param apiCalls         record every API call and account for every ingest call (default true); turning it off
 *                         breaks the audit guarantee and exists for the side-by-side benchmark
 * @param ingestWindow     accepted ingest batches are recorded as per-collector counts over windows this long
 */
public record AuditConfig(int minRetentionDays, int queueCapacity, Duration queueWait, Duration flushInterval, int flushBatch,
                          Duration confirmationTtl, boolean apiCalls, Duration ingestWindow) {

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
                Settings.bool(node, "api-calls", true),
                Settings.duration(node, "ingest-window", Duration.ofSeconds(60), Duration.ofMillis(100), Duration.ofHours(1)));
    }
}
