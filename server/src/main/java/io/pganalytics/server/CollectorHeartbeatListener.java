package io.pganalytics.server;

import io.pganalytics.server.collectors.CollectorsFeature;
import io.pganalytics.server.ingest.IngestListener;
import io.pganalytics.server.ingest.InstanceUpdate;
import io.pganalytics.server.ingest.StoredBatch;

/**
 * Every stored batch is a collector heartbeat: last seen and version, plus the spool depth and error count when the
 * batch carried the collector's health row (see the collector_health family).
 */
final class CollectorHeartbeatListener implements IngestListener {
    private final CollectorsFeature collectors;

    CollectorHeartbeatListener(CollectorsFeature collectors) {
        this.collectors = collectors;
    }

    @Override
    public void stored(StoredBatch batch) {
        Long spoolDepth = null;
        Long errors = null;
        for (InstanceUpdate update : batch.instances()) {
            Double depth = update.figures().get("collector_spool_depth");
            Double failures = update.figures().get("collector_errors");
            if (depth != null) {
                spoolDepth = depth.longValue();
            }
            if (failures != null) {
                errors = failures.longValue();
            }
        }
        collectors.recordActivity(batch.collectorId(), batch.collectorVersion(), batch.receivedAt(), spoolDepth, errors);
    }
}
