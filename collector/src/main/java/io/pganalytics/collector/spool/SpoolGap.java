package io.pganalytics.collector.spool;

import java.time.Instant;

/**
 * Batches that left the spool without being delivered: dropped because the spool was full, or unreadable.
 *
 * @param batches    how many batches were lost
 * @param from       the creation time of the oldest of them (null when unknown)
 * @param to         the creation time of the newest of them (null when unknown)
 * @param recordedAt when the loss happened
 * @param reason     why ("spool full", "corrupt record")
 */
public record SpoolGap(long batches, Instant from, Instant to, Instant recordedAt, String reason) {
}
