package io.pganalytics.common.anomaly;

import java.time.Instant;
import java.util.List;

/**
 * One anomaly: an episode of one series of one instance outside its expected band.
 *
 * @param id           its id
 * @param instanceId   the instance
 * @param instanceName the instance's name
 * @param series       the detection series ({@code tps}, {@code statement_latency_ms:<queryid>}, {@code wait_seconds:Lock},
 *                     {@code instance} for the multivariate detector)
 * @param label        the series for a person ({@code transactions per second})
 * @param unit         the series' unit ({@code 1/s}, {@code ms}, {@code ratio})
 * @param kind         {@code spike}, {@code level_shift}, {@code trend_change} or {@code multivariate}
 * @param severity     {@code warning} or {@code critical}
 * @param state        {@code open} while the series is still anomalous, then {@code closed}
 * @param startedAt    the first anomalous point
 * @param endedAt      the last anomalous point once closed; null while open
 * @param peakAt       the most anomalous point
 * @param score        the peak's score in robust sigmas (the isolation score, 0 to 1, for {@code multivariate})
 * @param expected     the value expected at the peak; null when not known
 * @param lower        the lower edge of the expected band at the peak; null when not known
 * @param upper        the upper edge of the expected band at the peak; null when not known
 * @param actual       the value at the peak; null for {@code multivariate}
 * @param points       anomalous points in the episode
 * @param hints        the root-cause hints, ranked, most likely first (at most 10)
 * @param feedback     the last feedback: {@code expected}, {@code real}, or null
 * @param updatedAt    when it last changed
 */
public record AnomalyView(long id, long instanceId, String instanceName, String series, String label, String unit,
                          String kind, String severity, String state, Instant startedAt, Instant endedAt, Instant peakAt,
                          double score, Double expected, Double lower, Double upper, Double actual, int points,
                          List<AnomalyHint> hints, String feedback, Instant updatedAt) {
    public static final String OPEN = "open";
    public static final String CLOSED = "closed";
    public static final String WARNING = "warning";
    public static final String CRITICAL = "critical";
    public static final String SPIKE = "spike";
    public static final String LEVEL_SHIFT = "level_shift";
    public static final String TREND_CHANGE = "trend_change";
    public static final String MULTIVARIATE = "multivariate";
    public static final String EXPECTED = "expected";
    public static final String REAL = "real";

    public AnomalyView {
        hints = hints == null ? List.of() : List.copyOf(hints);
    }
}
