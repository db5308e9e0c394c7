package io.pganalytics.server.ingest;

import io.helidon.config.Config;
import io.pganalytics.server.config.Settings;

import java.time.Duration;

/**
 * The {@code ingest} node.
 *
 * @param maxCompressedBytes   the largest request body, as sent (gzip)
 * @param maxDecompressedBytes the largest body once inflated: beyond it the request is refused mid-stream
 * @param maxSnapshots         snapshots per batch
 * @param maxRowsPerSnapshot   rows per snapshot
 * @param maxRowsPerBatch      rows in the whole batch
 * @param maxTextLength        characters in one text value (query texts are the longest)
 * @param maxAge               how old a snapshot may be (a collector's spool after a long outage)
 * @param maxFutureSkew        how far ahead of the server's clock a snapshot may be
 * @param writers              group transactions written at once by this node (each writer holds a database connection
 *                             while it writes)
 * @param queueCapacity        places for batches beyond the writers': a node admits at most writers + queue-capacity
 *                             batches at once (being read, decoded and waiting, or written) and answers 429 beyond
 * @param queueWait            how long a decoded batch waits for a writer to take it before 429
 * @param groupMaxBatches      the most batches a writer takes into one transaction
 * @param groupMaxRows         the most rows a writer takes into one transaction (a bigger batch is written alone)
 * @param maxAdmittedBytes     the inflated bytes of all the batches admitted on this node at once: the memory the ingest
 *                             may hold; a batch that would exceed it is refused with 429 as it is read
 * @param idempotencyRetention how long the database remembers a batch id (at least max-age: older batches are refused anyway)
 * @param idempotencyCacheTtl  how long the cluster's memory remembers a batch id (the retries of a live collector)
 * @param idempotencyCacheSize the most batch ids each node keeps in memory
 * @param maxPlacesPerCollector the most places one collector may hold on this node at once: beyond it that collector,
 *                             and only it, is answered 429 (one credential holding unfinished uploads cannot take them all)
 * @param statementTimeout     the longest one statement of a group transaction may run (SET LOCAL statement_timeout)
 * @param lockTimeout          the longest a group transaction, or the creation of a partition, waits for a lock
 *                             (SET LOCAL lock_timeout); then the batches get 503 with Retry-After and nothing is written
 * @param commitWait           the longest a request waits for its batch's commit once a writer took it; then 503 with
 *                             Retry-After (a batch that still commits later is recognised as a duplicate on its retry)
 */
public record IngestConfig(long maxCompressedBytes,
                           long maxDecompressedBytes,
                           int maxSnapshots,
                           int maxRowsPerSnapshot,
                           int maxRowsPerBatch,
                           int maxTextLength,
                           Duration maxAge,
                           Duration maxFutureSkew,
                           int writers,
                           int queueCapacity,
                           Duration queueWait,
                           int groupMaxBatches,
                           int groupMaxRows,
                           long maxAdmittedBytes,
                           Duration idempotencyRetention,
                           Duration idempotencyCacheTtl,
                           int idempotencyCacheSize,
                           int maxPlacesPerCollector,
                           Duration statementTimeout,
                           Duration lockTimeout,
                           Duration commitWait) {

    public static IngestConfig from(Config node) {
        long compressed = Settings.bytes(node, "max-compressed-bytes", 8L << 20, 1024, 256L << 20);
        long decompressed = Settings.bytes(node, "max-decompressed-bytes", 64L << 20, 1024, 1L << 30);
        if (decompressed < compressed) {
            throw Settings.problem(node, "max-decompressed-bytes", "must be at least ingest.max-compressed-bytes (" + compressed + ")");
        }
        int rowsPerSnapshot = Settings.integer(node, "max-rows-per-snapshot", 50_000, 1, 10_000_000);
        int rowsPerBatch = Settings.integer(node, "max-rows-per-batch", 200_000, 1, 10_000_000);
        if (rowsPerBatch < rowsPerSnapshot) {
            throw Settings.problem(node, "max-rows-per-batch", "must be at least ingest.max-rows-per-snapshot (" + rowsPerSnapshot + ")");
        }
        Duration maxAge = Settings.duration(node, "max-age", Duration.ofDays(7), Duration.ofMinutes(5), Duration.ofDays(13));
        Duration retention = Settings.duration(node, "idempotency-retention", maxAge.plusDays(1), Duration.ofHours(1), Duration.ofDays(90));
        if (retention.compareTo(maxAge) < 0) {
            throw Settings.problem(node, "idempotency-retention", "must be at least ingest.max-age (" + maxAge
                    + "): a batch old enough to be accepted must still be recognised as a duplicate");
        }
        long admitted = Settings.bytes(node, "max-admitted-bytes", Math.max(128L << 20, decompressed), 1024, 64L << 30);
        if (admitted < decompressed) {
            throw Settings.problem(node, "max-admitted-bytes", "must be at least ingest.max-decompressed-bytes (" + decompressed
                    + "): a batch of the largest accepted size could never be admitted");
        }
        return new IngestConfig(compressed, decompressed,
                Settings.integer(node, "max-snapshots", 2_000, 1, 100_000),
                rowsPerSnapshot, rowsPerBatch,
                Settings.integer(node, "max-text-length", 100_000, 256, 10_000_000),
                maxAge,
                Settings.duration(node, "max-future-skew", Duration.ofMinutes(5), Duration.ZERO, Duration.ofHours(1)),
                Settings.integer(node, "writers", 2, 1, 256),
                Settings.integer(node, "queue-capacity", 64, 0, 100_000),
                Settings.duration(node, "queue-wait", Duration.ofSeconds(2), Duration.ZERO, Duration.ofMinutes(1)),
                Settings.integer(node, "group-max-batches", 16, 1, 1_000),
                Settings.integer(node, "group-max-rows", 20_000, 1, 10_000_000),
                admitted,
                retention,
                Settings.duration(node, "idempotency-cache-ttl", Duration.ofHours(1), Duration.ofMinutes(1), Duration.ofDays(7)),
                Settings.integer(node, "idempotency-cache-size", 200_000, 1_000, 50_000_000),
                Settings.integer(node, "max-places-per-collector", 4, 1, 100_000),
                Settings.duration(node, "statement-timeout", Duration.ofSeconds(30), Duration.ofMillis(100), Duration.ofMinutes(10)),
                Settings.duration(node, "lock-timeout", Duration.ofSeconds(5), Duration.ofMillis(10), Duration.ofMinutes(10)),
                Settings.duration(node, "commit-wait", Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofMinutes(30)));
    }
}
