package io.pganalytics.tools.simulate;

import java.time.Instant;

/**
 * One batch the server acknowledged (stored, or answered as a duplicate of a stored one).
 *
 * @param collectorId    the collector's identity on the server ({@code ingest_batch.collector_id})
 * @param collectorName  the simulated collector's name, which is also its instance's name ({@code sim-0001})
 * @param batchId        the batch's idempotency key ({@code ingest_batch.batch_id})
 * @param sampleTime     the newest sample time the batch carries
 * @param acknowledgedAt when the collector saw the acknowledgement
 */
public record AcknowledgedBatch(String collectorId, String collectorName, String batchId, Instant sampleTime,
                                Instant acknowledgedAt) {
}
