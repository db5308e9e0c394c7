package io.pganalytics.server.anomaly;

import io.pganalytics.common.anomaly.DetectionSeriesInfo;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Where the detectors' points come from: the stored raw series of an instance, one point per stored collection time
 * of each detection series (rates from the counters' deltas, gauges as they were sampled). The same reads serve
 * live scoring, a takeover's catch-up and the backfill, so all three see the same points.
 */
public interface PointSource {

    /** One point of a series. */
    record Point(long epochSecond, double value) {
    }

    /**
     * The points of every detection series of an instance with a time in {@code (after, until]}, oldest first, at most
     * {@code maxPerSeries} per series (the oldest: scoring resumes after the last one). Series without points are
     * absent. Values are finite.
     */
    Map<String, List<Point>> points(Connection c, long instanceId, Instant after, Instant until, int maxPerSeries)
            throws SQLException;

    /** The series' label, unit and chart for a series name, including keyed ones ({@code statement_latency_ms:42}). */
    DetectionSeriesInfo describe(String series);

    /** The fixed series of the catalogue (keyed series are described by their prefix). */
    List<DetectionSeriesInfo> catalogue();
}
