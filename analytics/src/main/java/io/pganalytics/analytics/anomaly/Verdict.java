package io.pganalytics.analytics.anomaly;

/**
 * The verdict on one point.
 *
 * @param epochSecond the point's time
 * @param value       the point's value
 * @param learning    true while the detector is still learning: nothing is flagged, the band may be NaN
 * @param expected    the expected value (trend plus season), NaN while learning
 * @param lower       the lower edge of the expected band (expected - threshold * sigma)
 * @param upper       the upper edge of the expected band
 * @param score       the point's anomaly score, in robust sigmas (0 while learning)
 * @param kind        what kind of departure, NONE when the point is normal
 * @param alert       true on the first point of a new anomaly episode: the one detection to report
 */
public record Verdict(long epochSecond, double value, boolean learning, double expected, double lower, double upper,
                      double score, Kind kind, boolean alert) {

    public boolean anomalous() {
        return kind != Kind.NONE;
    }
}
