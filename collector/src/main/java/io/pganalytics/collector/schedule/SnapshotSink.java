package io.pganalytics.collector.schedule;

import io.pganalytics.common.wire.Snapshot;

import java.util.List;

/**
 * Where finished collections go. The scheduler calls it from its worker threads after each family run; the
 * implementation (the spool's batcher) must return quickly and never block on the network: collection never
 * waits on shipping.
 */
@FunctionalInterface
public interface SnapshotSink {
    void publish(List<Snapshot> snapshots);
}
