package io.pganalytics.server.ingest;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A batch that was committed: what {@link IngestListener}s receive.
 *
 * @param collectorId      the collector that sent it
 * @param collectorVersion its release
 * @param batchId          the idempotency key
 * @param receivedAt       when this node received it
 * @param acceptedRows     rows written per family
 * @param instances        one update per instance the batch carried
 */
public record StoredBatch(String collectorId, String collectorVersion, String batchId, Instant receivedAt,
                          Map<String, Integer> acceptedRows, List<InstanceUpdate> instances) {
    public StoredBatch {
        acceptedRows = Map.copyOf(acceptedRows);
        instances = List.copyOf(instances);
    }
}
