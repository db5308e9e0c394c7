package io.pganalytics.analytics.anomaly;

import org.apache.commons.math3.stat.regression.SimpleRegression;

/**
 * Trend change or level shift: once the recent residuals have departed from the baseline for good, a straight line
 * through them (a ramp) is compared with the best single step; the better fit names the departure.
 */
final class TrendTest {
    private TrendTest() {
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
