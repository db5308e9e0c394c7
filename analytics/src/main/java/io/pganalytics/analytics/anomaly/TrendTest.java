package io.pganalytics.analytics.anomaly;

import org.apache.commons.math3.stat.regression.SimpleRegression;

/**
 * Trend change: a least-squares line through the older half of the window and one through the newer half; the drift
 * is how far apart the two lines are at the window's last point. A level shift moves both ends; a trend change opens
 * the gap progressively, so the caller compares the drift with a multiple of the residual sigma.
 */
final class TrendTest {
    private final SimpleRegression older = new SimpleRegression();
    private final SimpleRegression newer = new SimpleRegression();

    /** The drift between the older half's line and the newer half's at the last point, in the series' units. */
    double drift(Ring values, double[] scratch) {
        int n = values.copyTo(scratch, 0);
        int half = n / 2;
        older.clear();
        newer.clear();
        for (int i = 0; i < half; i++) {
            older.addData(i, scratch[i]);
        }
        for (int i = half; i < n; i++) {
            newer.addData(i, scratch[i]);
        }
        double end = n - 1;
        return Math.abs(older.predict(end) - newer.predict(end));
    }

    /**
     * Model choice for a sustained departure: true when a straight line fits the values (in time order) with a smaller
     * squared error than the best single step (two flat levels split at the best point). O(n).
     */
    static boolean rampFitsBetterThanStep(double[] values, int n) {
        SimpleRegression line = new SimpleRegression();
        double total = 0;
        double totalSquares = 0;
        for (int i = 0; i < n; i++) {
            line.addData(i, values[i]);
            total += values[i];
            totalSquares += values[i] * values[i];
        }
        double lineError = line.getSumSquaredErrors();
        double stepError = Double.POSITIVE_INFINITY;
        double left = 0;
        double leftSquares = 0;
        for (int k = 1; k < n; k++) { // split before k
            left += values[k - 1];
            leftSquares += values[k - 1] * values[k - 1];
            double right = total - left;
            double rightSquares = totalSquares - leftSquares;
            double error = leftSquares - left * left / k + rightSquares - right * right / (n - k);
            stepError = Math.min(stepError, error);
        }
        return lineError < stepError;
    }
}
