package io.pganalytics.common.anomaly;

import java.time.Instant;
import java.util.List;

/**
 * {@code GET /api/v1/instances/{id}/anomalies/band?series=..&from=..&to=..}: the expected band of one series, per
 * minute, to shade behind its chart, with the anomalies of that series in the range (for markers).
 *
 * @param instanceId the instance
 * @param series     the detection series
 * @param label      the series for a person
 * @param unit       its unit
 * @param points     one per scored minute, oldest first (at most 10080: a week)
 * @param anomalies  the series' anomalies overlapping the range, oldest first
 */
public record AnomalyBand(long instanceId, String series, String label, String unit, List<Point> points,
                          List<AnomalyView> anomalies) {
    public AnomalyBand {
        points = List.copyOf(points);
        anomalies = List.copyOf(anomalies);
    }

    /** The band at one minute. */
    public record Point(Instant at, double expected, double lower, double upper) {
    }
}
