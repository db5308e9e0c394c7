package io.pganalytics.server.anomaly.api;

import java.time.Instant;

/**
 * How far an instance's detectors have learned, as the scorer knows it (the settings view reports it).
 *
 * @param seriesLearning series still learning (nothing is flagged on them)
 * @param seriesTotal    series scored
 * @param learningUntil  when the last learning series is expected to be done; null when none learns
 */
public record LearningStatus(int seriesLearning, int seriesTotal, Instant learningUntil) {
    public LearningStatus {
        if (seriesLearning < 0 || seriesTotal < 0 || seriesLearning > seriesTotal) {
            throw new IllegalArgumentException("learning series " + seriesLearning + " of " + seriesTotal);
        }
    }
}
