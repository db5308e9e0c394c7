/**
 * Anomaly detection on every monitored instance (issue 16, docs/ANOMALIES.md): the detectors of the {@code analytics}
 * module score each instance's stored series as they arrive, on the node that owns the instance (Hazelcast partition
 * ownership), with their state checkpointed in the database so any node takes over; episodes become anomaly records
 * with ranked root-cause hints; the API, the live stream and the console read them.
 *
 * <p>Seams: {@link io.pganalytics.server.anomaly.PointSource} (the points), {@link io.pganalytics.server.anomaly.HintFinder}
 * (root-cause hints), {@link io.pganalytics.server.anomaly.AnomalyTuning} (sensitivity and exclusions),
 * {@link io.pganalytics.server.anomaly.AnomalyEvents} (the live streams).
 */
package io.pganalytics.server.anomaly;
