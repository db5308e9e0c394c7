/**
 * The wire model of anomaly detection ({@code /api/v1/anomalies}, docs/API.md "Anomalies", docs/ANOMALIES.md): anomaly
 * records with their root-cause hints, the expected bands behind the dashboard's charts, feedback, and the per-instance
 * sensitivity and exclusions operators set.
 */
package io.pganalytics.common.anomaly;
