package io.pganalytics.server.anomaly;

import java.time.Instant;

/** What operators set per instance, as the scorer reads it: cheap calls (cached), true on every node within seconds. */
public interface AnomalyTuning {

    /** The multiplier of every threshold of the instance's detectors: 1.5 low, 1 normal, 0.75 high. */
    double thresholdFactor(long instanceId);

    /** Whether a point of the series at that time falls in one of the instance's exclusions. */
    boolean excluded(long instanceId, String series, Instant at);
}
