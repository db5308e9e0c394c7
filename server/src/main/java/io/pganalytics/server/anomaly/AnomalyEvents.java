package io.pganalytics.server.anomaly;

import io.pganalytics.common.anomaly.AnomalyView;

/** Tells the cluster that an anomaly opened, grew, changed severity or closed (the live streams). Never throws. */
@FunctionalInterface
public interface AnomalyEvents {
    void changed(AnomalyView anomaly);
}
