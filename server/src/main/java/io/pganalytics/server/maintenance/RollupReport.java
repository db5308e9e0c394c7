package io.pganalytics.server.maintenance;

import io.pganalytics.server.series.SeriesSchema.Resolution;

import java.time.Instant;
import java.util.Map;

/**
 * What one rollup run did.
 *
 * @param rowsWritten       rollup rows inserted or rewritten
 * @param partitionsCreated rollup partitions it had to create
 * @param oldestWatermark   per resolution, how far the family furthest behind is computed
 * @param complete          false when the run stopped early (its lease lost or the node stopping)
 */
public record RollupReport(long rowsWritten, int partitionsCreated, Map<Resolution, Instant> oldestWatermark, boolean complete) {
    public RollupReport {
        oldestWatermark = Map.copyOf(oldestWatermark);
    }
}
