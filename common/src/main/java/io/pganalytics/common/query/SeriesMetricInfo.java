package io.pganalytics.common.query;

/**
 * One metric {@code /series} serves ({@code GET /api/v1/series/metrics}).
 *
 * @param name        the {@code metric} parameter's value
 * @param unit        its unit
 * @param description what it measures
 * @param family      the metric family it is computed from
 */
public record SeriesMetricInfo(String name, String unit, String description, String family) {
}
