package io.pganalytics.collector.spool;

import io.pganalytics.common.wire.Snapshot;

import java.util.List;

/**
 * Hears what becomes of the snapshots handed to the {@link SpoolBatcher}: spooled under a sequence, then delivered
 * (the server acknowledged their commit) or lost (dropped from a full spool, refused by the server); or never spooled
 * at all (the batcher's queue was full, the disk refused the batch). Called on the batcher's and the shipper's
 * threads, some while the spool's lock is held: an implementation must be quick and must not call the spool.
 */
public interface DeliveryListener {
    DeliveryListener NONE = new DeliveryListener() {
    };

    /** {@code snapshots} are on disk as batch {@code sequence}. */
    default void spooled(long sequence, List<Snapshot> snapshots) {
    }

    /** {@code snapshots} never reached the spool. */
    default void unspooled(List<Snapshot> snapshots) {
    }

    /** Every batch up to and including {@code sequence} was acknowledged by the server (or lost, as reported). */
    default void delivered(long sequence) {
    }

    /** The batches {@code fromSequence} to {@code toSequence} will never be delivered. */
    default void lost(long fromSequence, long toSequence) {
    }
}
