package io.pganalytics.common.wire;

import java.time.Instant;
import java.util.List;

/**
 * What a collector sends in one {@code POST /api/v1/ingest}: snapshots of one or more targets.
 *
 * @param schemaVersion    {@link #SCHEMA_VERSION} of the collector that built it; the server refuses versions it does not know
 * @param batchId          the idempotency key: a random UUID string fixed when the batch is spooled, reused on every retry
 * @param collectorVersion the collector's release, for the inventory and for support
 * @param createdAt        when the batch was spooled
 * @param snapshots        at least one snapshot
 */
public record MetricBatch(int schemaVersion,
                          String batchId,
                          String collectorVersion,
                          Instant createdAt,
                          List<Snapshot> snapshots) {
    public static final int SCHEMA_VERSION = 1;

    public MetricBatch {
        snapshots = snapshots == null ? List.of() : List.copyOf(snapshots);
    }
}
