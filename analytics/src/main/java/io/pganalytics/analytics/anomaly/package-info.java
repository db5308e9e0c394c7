/**
 * Anomaly detection over metric series, streaming and incremental: each new point is scored in O(window) with a
 * bounded per-series state that can be written to bytes and read back on any node.
 *
 * <p>{@link io.pganalytics.analytics.anomaly.SeriesDetector} is the univariate detector (a robust seasonal baseline
 * by hour of day and day of week, a streaming seasonal-trend decomposition with a robust residual test, level-shift and
 * trend-change detection, anomaly episodes); {@link io.pganalytics.analytics.anomaly.InstanceDetector} scores the vector
 * of one instance's metrics with an {@link io.pganalytics.analytics.anomaly.IsolationForest}. Both start in a learning
 * state during which nothing is flagged. {@link io.pganalytics.analytics.anomaly.DetectorConfig} holds every knob.
 *
 * <p>This package is plain Java (Commons Math only): no Helidon, Ebean or Hazelcast, so the server and the
 * {@code bench anomalies} command run the same classes. Detectors are not thread-safe: one owner per series.
 */
package io.pganalytics.analytics.anomaly;
