package io.pganalytics.common.wire;

import java.util.Map;

/**
 * The server's answer to an ingest: sent only after the batch's transaction committed (or when the batch was
 * already stored, {@code duplicate} true). A collector deletes a spooled batch only after receiving this.
 *
 * @param batchId      the idempotency key that was acknowledged
 * @param duplicate    true when the batch had been stored before and nothing new was written
 * @param acceptedRows rows written per family
 */
public record IngestAck(String batchId, boolean duplicate, Map<String, Integer> acceptedRows) {
    public IngestAck {
        acceptedRows = acceptedRows == null ? Map.of() : Map.copyOf(acceptedRows);
    }
}
