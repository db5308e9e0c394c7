package io.pganalytics.common.anomaly;

/**
 * {@code GET /api/v1/anomalies/series}: a series the detectors score, as the catalogue names it.
 *
 * @param series      its name ({@code tps}); per-statement and per-wait-class series add {@code :<key>}
 * @param label       for a person
 * @param unit        its unit
 * @param chartMetric the {@code /series} metric of the dashboard's chart that shows it; null when no chart does
 */
public record DetectionSeriesInfo(String series, String label, String unit, String chartMetric) {
}
