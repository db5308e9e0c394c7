package io.pganalytics.server.ingest;

/**
 * Hears of every batch this node committed, after the commit and after the collector was answered (heartbeats,
 * cache invalidation, the live stream). Must be quick and must not throw: a listener's failure is logged and never
 * reaches the collector, whose data is already safe.
 */
@FunctionalInterface
public interface IngestListener {
    void stored(StoredBatch batch);
}
