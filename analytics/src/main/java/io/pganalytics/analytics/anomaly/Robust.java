package io.pganalytics.analytics.anomaly;

import java.util.Arrays;

/** Robust location and scale on a scratch array (sorted in place): the median and the MAD scaled to a sigma. */
final class Robust {
    /** MAD times this estimates the standard deviation of normal data. */
    static final double MAD_TO_SIGMA = 1.4826;

    private Robust() {
    }

    /** Median of the first {@code n} values of {@code a}; sorts them. NaN when n is 0. */
    static double median(double[] a, int n) {
        if (n == 0) {
            return Double.NaN;
        }
        Arrays.sort(a, 0, n);
        return (n & 1) == 1 ? a[n / 2] : 0.5 * (a[n / 2 - 1] + a[n / 2]);
    }

    /**
     * A robust sigma of the first {@code n} values around {@code center}: MAD * 1.4826, or the mean absolute deviation
     * * 1.2533 when more than half the values sit on the centre (counts that are mostly constant), so a series that
     * rarely moves still gets a finite, non-zero scale. Overwrites the values.
     */
    static double sigma(double[] a, int n, double center) {
        if (n == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            a[i] = Math.abs(a[i] - center);
            sum += a[i];
        }
        double mad = median(a, n) * MAD_TO_SIGMA;
        return mad > 0 ? mad : 1.2533 * sum / n;
    }
}
