/**
 * The collector's on-disk spool and the batcher that feeds it.
 * <p>
 * Owns: the segment files (append-only, one checksummed record per batch, fsync per append), the acknowledgement
 * cursor, crash recovery (a torn tail is discarded, everything before it kept), the size bound (the oldest
 * batches are dropped and the gap is recorded), and {@link io.pganalytics.collector.spool.SpoolBatcher}, the
 * {@code SnapshotSink} that turns snapshots into gzip {@code MetricBatch} records without making collection wait.
 * Sending is not here: {@code collector.ship} reads the oldest unacknowledged batch and acknowledges it. Sealing is
 * not here either: a {@link io.pganalytics.collector.spool.PayloadCodec} (the collector's is in {@code collector.crypto})
 * stores each payload; a record whose payload it cannot read is skipped alone, reported, and counted as a gap.
 */
package io.pganalytics.collector.spool;
