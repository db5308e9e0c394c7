package io.pganalytics.common.collectors;

import java.time.Instant;

/**
 * What a collector last reported about itself, taken from the batches it sent.
 *
 * @param lastSeenAt        when the server last accepted a batch from it
 * @param collectorVersion  the release it reported then
 * @param spoolDepthBatches batches waiting in its on-disk spool, or null when unknown
 * @param errors            errors it reported, or null when unknown
 */
public record CollectorHeartbeat(Instant lastSeenAt, String collectorVersion, Long spoolDepthBatches, Long errors) {
}
