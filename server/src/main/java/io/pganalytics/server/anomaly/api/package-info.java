/**
 * The anomaly API (docs/API.md, "Anomalies"): the fleet's and an instance's anomalies with filters and keyset pages, one
 * anomaly, feedback on it, the detection series, the expected band behind a chart, and the per-instance sensitivity and
 * exclusions ({@link io.pganalytics.server.anomaly.api.AnomalySettingsStore}, which is also the scorer's
 * {@link io.pganalytics.server.anomaly.AnomalyTuning}: cached on every node, invalidated cluster-wide on a change).
 */
package io.pganalytics.server.anomaly.api;
