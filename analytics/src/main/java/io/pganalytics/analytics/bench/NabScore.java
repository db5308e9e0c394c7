package io.pganalytics.analytics.bench;

import java.util.List;
import java.util.TreeSet;

/**
 * The NAB-style score of binary detections, computed as nab_score.py computes it (windows, probation period,
 * scaled sigmoid, cost profiles, normalisation between the null and the perfect detector), so the two can be
 * cross-checked on the same detections file.
 */
final class NabScore {
    enum Profile {
        STANDARD("standard", 1.0, 1.0, 0.11),
        REWARD_LOW_FP_RATE("reward_low_FP_rate", 1.0, 1.0, 0.22),
        REWARD_LOW_FN_RATE("reward_low_FN_rate", 1.0, 2.0, 0.11);

        final String label;
        final double tp;
        final double fn;
        final double fp;

        Profile(String label, double tp, double fn, double fp) {
            this.label = label;
            this.tp = tp;
            this.fn = fn;
            this.fp = fp;
        }
    }

    /** Figures of one series or of the total. */
    record Figures(int windows, int detected, int detections, int falsePositives, long scoredRows, double scoredDays,
                   double raw, double nullScore, double perfectScore) {
        static final Figures ZERO = new Figures(0, 0, 0, 0, 0, 0, 0, 0, 0);

        Figures plus(Figures o) {
            return new Figures(windows + o.windows, detected + o.detected, detections + o.detections,
                    falsePositives + o.falsePositives, scoredRows + o.scoredRows, scoredDays + o.scoredDays,
                    raw + o.raw, nullScore + o.nullScore, perfectScore + o.perfectScore);
        }

        double normalised() {
            return perfectScore == nullScore ? Double.NaN : 100.0 * (raw - nullScore) / (perfectScore - nullScore);
        }

        double recall() {
            return windows == 0 ? Double.NaN : (double) detected / windows;
        }

        double falsePositivesPerDay() {
            return scoredDays == 0 ? Double.NaN : falsePositives / scoredDays;
        }
    }

    private static final double SIGMOID_MAX = sigmoid(-1.0);

    private NabScore() {
    }

    static double sigmoid(double y) {
        return 2.0 / (1.0 + Math.exp(5.0 * y)) - 1.0;
    }

    static int probationRows(int rows) {
        return (int) Math.min(Math.floor(0.15 * rows), 750);
    }

    /** Scores the detections (epoch seconds, attached to the first row at or after them) of one series. */
    static Figures score(LabelledSeries s, List<Long> detections, Profile profile) {
        int n = s.size();
        int probation = probationRows(n);
        TreeSet<Integer> rows = new TreeSet<>();
        for (long t : detections) {
            int i = t < s.times()[0] ? -1 : LabelledSeries.atOrAfter(s.times(), t);
            if (i >= probation) {
                rows.add(i);
            }
        }
        List<int[]> windows = s.windows();
        int[] firstHit = new int[windows.size()];
        java.util.Arrays.fill(firstHit, -1);
        double raw = 0;
        int falsePositives = 0;
        for (int i : rows) {
            int w = windowOf(windows, i);
            if (w >= 0) {
                if (firstHit[w] < 0) {
                    firstHit[w] = i;
                }
                continue;
            }
            falsePositives++;
            int[] previous = previousWindow(windows, i);
            if (previous == null) {
                raw -= profile.fp;
            } else {
                int width = previous[1] - previous[0] + 1;
                double y = (i - previous[1]) / (double) Math.max(width - 1, 1);
                raw += profile.fp * (y <= 3.0 ? sigmoid(y) : -1.0);
            }
        }
        int detected = 0;
        for (int w = 0; w < windows.size(); w++) {
            int[] win = windows.get(w);
            if (firstHit[w] < 0) {
                raw -= profile.fn;
            } else {
                detected++;
                int width = win[1] - win[0] + 1;
                raw += profile.tp * sigmoid(-(win[1] - firstHit[w] + 1) / (double) width) / SIGMOID_MAX;
            }
        }
        double days = n > probation ? (s.times()[n - 1] - s.times()[probation]) / 86400.0 : 0;
        return new Figures(windows.size(), detected, rows.size(), falsePositives, n - probation, days, raw,
                -profile.fn * windows.size(), profile.tp * windows.size());
    }

    private static int windowOf(List<int[]> windows, int row) {
        for (int w = 0; w < windows.size(); w++) {
            if (windows.get(w)[0] <= row && row <= windows.get(w)[1]) {
                return w;
            }
        }
        return -1;
    }

    private static int[] previousWindow(List<int[]> windows, int row) {
        int[] previous = null;
        for (int[] w : windows) {
            if (w[1] < row) {
                previous = w;
            }
        }
        return previous;
    }
}
