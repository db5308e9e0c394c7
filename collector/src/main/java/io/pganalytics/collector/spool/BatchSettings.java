package io.pganalytics.collector.spool;

import java.time.Duration;

/**
 * How snapshots are grouped into batches.
 *
 * @param queueCapacity the most snapshots waiting for the spool writer; past it new snapshots are dropped and counted
 * @param maxRows       a target's batch is spooled once it holds this many rows
 * @param maxSnapshots  ... or this many snapshots
 * @param maxDelay      ... or once its first snapshot has waited this long
 */
public record BatchSettings(int queueCapacity, int maxRows, int maxSnapshots, Duration maxDelay) {
    public static final BatchSettings DEFAULTS = new BatchSettings(10_000, 5_000, 200, Duration.ofSeconds(2));

    public BatchSettings {
        if (queueCapacity < 1 || maxRows < 1 || maxSnapshots < 1) {
            throw new IllegalArgumentException("batch limits must be positive: queue " + queueCapacity
                    + ", rows " + maxRows + ", snapshots " + maxSnapshots);
        }
        if (maxDelay == null || maxDelay.isNegative() || maxDelay.isZero()) {
            throw new IllegalArgumentException("batch max delay must be positive, got " + maxDelay);
        }
    }
}
