package io.pganalytics.server.anomaly;

import io.pganalytics.common.anomaly.AnomalyView;

import java.time.Instant;

/**
 * An anomaly episode of one series as the scorer tracks it: the stored row it extends ({@link #rowId}), or none when
 * its points belong to a row stored earlier that re-scoring must not change ({@link #suppressed}: a closed row that
 * covers them, or an open row that started later, as a backfill over history finds them).
 */
final class Episode {
    final String series;
    final long rowId;
    final boolean suppressed;
    final Instant startedAt;
    String kind;
    String severity;
    Instant lastAnomalousAt;
    Instant peakAt;
    double score;
    Double expected;
    Double lower;
    Double upper;
    Double actual;
    int points;
    int quiet;
    /** True on the episode whose row this scorer has just inserted (not one taken up from a stored row). */
    boolean created;
    /** When hints were last computed (wall clock): at most once a minute while the episode grows. */
    Instant hintsAt;

    Episode(String series, long rowId, boolean suppressed, Instant startedAt) {
        this.series = series;
        this.rowId = rowId;
        this.suppressed = suppressed;
        this.startedAt = startedAt;
        this.lastAnomalousAt = startedAt;
        this.peakAt = startedAt;
    }

    static Episode suppressed(String series, Instant at) {
        return new Episode(series, 0, true, at);
    }

    /** Takes an anomalous point: the peak moves when its score is larger; returns whether the row changes. */
    void extend(Instant at, String pointKind, double pointScore, Double pointExpected, Double pointLower, Double pointUpper,
                Double pointActual) {
        quiet = 0;
        points++;
        lastAnomalousAt = at;
        // a departure that turns out to last is a level shift or a trend change, whatever its first point looked like
        if (AnomalyView.SPIKE.equals(kind) && !AnomalyView.SPIKE.equals(pointKind)) {
            kind = pointKind;
        }
        if (pointScore > score) {
            score = pointScore;
            peakAt = at;
            expected = pointExpected;
            lower = pointLower;
            upper = pointUpper;
            actual = pointActual;
        }
    }

    /**
     * Critical when the peak reached twice the (sensitivity-adjusted) threshold or the episode lasted 10 points; for the
     * multivariate detector, whose score is bounded by 1, when it reached halfway from its threshold to 1.
     */
    void judge(double threshold, boolean multivariate) {
        double critical = multivariate ? threshold + (1 - threshold) / 2 : 2 * threshold;
        severity = score >= critical || points >= 10 ? AnomalyView.CRITICAL : AnomalyView.WARNING;
    }
}
