package io.pganalytics.common.keys;

import java.time.Instant;

/**
 * The re-wrap job: re-seals every value under an older data key with the current one, a batch per transaction,
 * throttled, resumable after a node stops (its cursor is in the database), on one node at a time.
 *
 * @param state     {@code idle} (never ran), {@code running}, {@code done} or {@code failed}
 * @param targetKey the data key it moves values to
 * @param done      values re-sealed so far in this run
 * @param total     values under older keys when the run started
 * @param rate      values per second over the run so far
 * @param node      the node running it
 * @param error     why it failed, when it did
 */
public record RewrapView(String state, Integer targetKey, Instant startedAt, Instant finishedAt, long done, long total, double rate,
                         String node, String error) {
}
