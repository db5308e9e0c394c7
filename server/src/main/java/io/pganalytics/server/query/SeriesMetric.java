package io.pganalytics.server.query;

import io.pganalytics.common.catalog.Family;
import io.pganalytics.server.series.SeriesSchema;
import io.pganalytics.server.series.SeriesSchema.Resolution;

/**
 * One named metric of {@code /series}, as SQL over a family's raw or rollup table. Its value over a step is computed
 * in two levels: first per stored time (a raw snapshot or a rollup bucket) over the family's keys ({@link #inner}),
 * then over the times in the step ({@link #outer}). Rates divide the summed deltas by the summed seconds they
 * cover, so that a step with a missing snapshot is still right.
 *
 * @param name        the {@code metric} parameter's value
 * @param unit        its unit
 * @param description what it measures
 * @param family      the family it reads
 * @param kind        how it aggregates
 * @param expression  for counters the SQL over counter columns (the same names raw and rolled up); for gauges the
 *                    column; for ratios the numerator
 * @param denominator for ratios: the denominator's SQL; for {@link Kind#GAUGE_EXPRESSION}: the rollup variant
 */
public record SeriesMetric(String name, String unit, String description, Family family, Kind kind, String expression, String denominator) {

    public enum Kind {
        /** Counters: sum of deltas / sum of seconds. */
        RATE,
        /** Counters: sum of deltas in the step (events per step). */
        COUNT,
        /** Counters: sum(numerator) / sum(denominator). */
        RATIO,
        /** A gauge summed over the family's keys (connections of every database), averaged over the step. */
        GAUGE_SUM,
        /** A gauge's maximum over keys and over the step (the longest transaction). */
        GAUGE_MAX,
        /** A gauge expression of one-row families, averaged over the step (raw SQL in expression, rollup in denominator). */
        GAUGE_EXPRESSION
    }

    public boolean hasRollups() {
        return SeriesSchema.hasRollups(family);
    }

    /** The per-time select list, producing {@code n} and {@code d} (or {@code v}). */
    public String inner(Resolution resolution) {
        boolean raw = resolution == Resolution.RAW;
        return switch (kind) {
            case RATE -> "sum((" + expression + ")::float8) AS n, max(interval_seconds) AS d";
            case COUNT -> "sum((" + expression + ")::float8) AS n";
            case RATIO -> "sum((" + expression + ")::float8) AS n, sum((" + denominator + ")::float8) AS d";
            case GAUGE_SUM -> "sum((" + (raw ? expression : expression + "_avg") + ")::float8) AS v";
            case GAUGE_MAX -> "max((" + (raw ? expression : expression + "_max") + ")::float8) AS v";
            case GAUGE_EXPRESSION -> "avg((" + (raw ? expression : denominator) + ")::float8) AS v";
        };
    }

    /** The per-step aggregate over the inner rows. */
    public String outer() {
        return switch (kind) {
            case RATE, RATIO -> "sum(n) / nullif(sum(d), 0)";
            case COUNT -> "sum(n)";
            case GAUGE_SUM, GAUGE_EXPRESSION -> "avg(v)";
            case GAUGE_MAX -> "max(v)";
        };
    }
}
