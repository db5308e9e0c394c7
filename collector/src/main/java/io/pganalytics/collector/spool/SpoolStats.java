package io.pganalytics.collector.spool;

/**
 * A consistent view of the spool's counters.
 *
 * @param pendingBatches   batches spooled and not yet acknowledged
 * @param bytes            bytes of segment files on disk
 * @param segments         segment files on disk
 * @param appendedBatches  batches appended since the spool was opened
 * @param acknowledged     batches acknowledged since the spool was opened
 * @param droppedBatches   batches lost to gaps since the spool was opened
 * @param gaps             gaps recorded since the spool was opened
 * @param discardedBytes   bytes of torn or corrupt records discarded at recovery
 */
public record SpoolStats(long pendingBatches,
                         long bytes,
                         int segments,
                         long appendedBatches,
                         long acknowledged,
                         long droppedBatches,
                         long gaps,
                         long discardedBytes) {
}
