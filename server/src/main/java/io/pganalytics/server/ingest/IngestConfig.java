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
 * @param writers              batches written at once by this node (each holds a database connection)
 * @param queueCapacity        batches waiting for a writer before this node answers 429
 * @param queueWait            how long a batch waits for a writer before 429
 * @param idempotencyRetention how long the database remembers a batch id (at least max-age: older batches are refused anyway)
 * @param idempotencyCacheTtl  how long the cluster's memory remembers a batch id (the retries of a live collector)
 * @param idempotencyCacheSize the most batch ids each node keeps in memory
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
                           Duration idempotencyRetention,
                           Duration idempotencyCacheTtl,
                           int idempotencyCacheSize) {

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
        return new IngestConfig(compressed, decompressed,
                Settings.integer(node, "max-snapshots", 2_000, 1, 100_000),
                rowsPerSnapshot, rowsPerBatch,
                Settings.integer(node, "max-text-length", 100_000, 256, 10_000_000),
                maxAge,
                Settings.duration(node, "max-future-skew", Duration.ofMinutes(5), Duration.ZERO, Duration.ofHours(1)),
                Settings.integer(node, "writers", 8, 1, 256),
                Settings.integer(node, "queue-capacity", 64, 0, 100_000),
                Settings.duration(node, "queue-wait", Duration.ofSeconds(2), Duration.ZERO, Duration.ofMinutes(1)),
                retention,
                Settings.duration(node, "idempotency-cache-ttl", Duration.ofHours(1), Duration.ofMinutes(1), Duration.ofDays(7)),
                Settings.integer(node, "idempotency-cache-size", 200_000, 1_000, 50_000_000));
    }
}
