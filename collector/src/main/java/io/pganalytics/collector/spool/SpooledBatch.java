package io.pganalytics.collector.spool;

import java.time.Instant;

/**
 * One batch read back from the spool.
 *
 * @param sequence  its position in the spool; acknowledge it with {@link Spool#acknowledge(long)}
 * @param targetKey the target the batch belongs to (delivery keeps order per target)
 * @param batchId   the idempotency key, fixed when the batch was spooled and reused on every retry
 * @param createdAt when it was spooled
 * @param payload   the gzip bytes of the {@code MetricBatch} JSON, exactly what is sent (do not modify)
 */
public record SpooledBatch(long sequence, String targetKey, String batchId, Instant createdAt, byte[] payload) {
    @Override
    public String toString() {
        return "SpooledBatch[sequence=" + sequence + ", targetKey=" + targetKey + ", batchId=" + batchId
                + ", createdAt=" + createdAt + ", bytes=" + payload.length + "]";
    }
}
