package io.pganalytics.server.anomaly;

import io.pganalytics.server.metrics.MetricsRegistry;

import java.util.concurrent.atomic.AtomicLong;

/** The scorer's figures on {@code /metrics}. */
final class AnomalyFigures {
    private final MetricsRegistry.Counter points;
    private final MetricsRegistry.Counter rounds;
    private final MetricsRegistry.Histogram roundSeconds;
    private final MetricsRegistry.Counter opened;
    private final AtomicLong owned = new AtomicLong();
    private final AtomicLong learning = new AtomicLong();

    AnomalyFigures(MetricsRegistry metrics) {
        points = metrics.counter("pganalytics_anomaly_points_scored_total", "Points scored by the anomaly detectors on this node");
        rounds = metrics.counter("pganalytics_anomaly_rounds_total", "Scoring rounds run on this node");
        roundSeconds = metrics.histogram("pganalytics_anomaly_round_seconds", "Duration of a scoring round on this node",
                MetricsRegistry.latencyBuckets());
        opened = metrics.counter("pganalytics_anomaly_opened_total", "Anomalies opened by this node");
        metrics.gauge("pganalytics_anomaly_owned_instances", "Instances this node scores (it owns their partition)", owned::get);
        metrics.gauge("pganalytics_anomaly_learning_series", "Series of the instances this node scores that are still learning",
                learning::get);
    }

    void round(double seconds, long scoredPoints, long openedAnomalies, int ownedInstances, int learningSeries) {
        rounds.inc();
        roundSeconds.observe(seconds);
        points.add(scoredPoints);
        opened.add(openedAnomalies);
        owned.set(ownedInstances);
        learning.set(learningSeries);
    }

    double pointsScored() {
        return points.value();
    }
}
