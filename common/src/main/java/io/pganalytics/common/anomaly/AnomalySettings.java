package io.pganalytics.common.anomaly;

import java.time.Instant;
import java.util.List;

/**
 * {@code GET|PUT /api/v1/instances/{id}/anomaly-settings}: an instance's sensitivity and exclusions, and whether its
 * detectors are still learning. A PUT reads only {@code sensitivity}; exclusions have their own routes.
 *
 * @param instanceId       the instance
 * @param sensitivity      {@code low} (thresholds x1.5: fewer, larger anomalies), {@code normal}, {@code high} (x0.75)
 * @param exclusions       its exclusions, newest first
 * @param learning         true while any of its series is still learning (nothing is flagged on a learning series)
 * @param seriesLearning   series still learning
 * @param seriesTotal      series scored
 * @param learningUntil    when the last learning series is expected to be done at its interval; null when none learns
 * @param updatedBy        who last changed the sensitivity (a user id); null when never changed
 * @param updatedAt        when; null when never changed
 */
public record AnomalySettings(long instanceId, String sensitivity, List<AnomalyExclusion> exclusions, boolean learning,
                              int seriesLearning, int seriesTotal, Instant learningUntil, String updatedBy, Instant updatedAt) {
    public static final String LOW = "low";
    public static final String NORMAL = "normal";
    public static final String HIGH = "high";

    public AnomalySettings {
        exclusions = exclusions == null ? List.of() : List.copyOf(exclusions);
    }

    /** The multiplier of every detector threshold for a sensitivity; empty-handed callers get an error. */
    public static double thresholdFactor(String sensitivity) {
        return switch (sensitivity) {
            case LOW -> 1.5;
            case NORMAL -> 1.0;
            case HIGH -> 0.75;
            default -> throw new IllegalArgumentException("sensitivity '" + sensitivity + "' is not low, normal or high");
        };
    }
}
