package io.pganalytics.server.anomaly;

import java.time.Instant;

/**
 * The last {@link #CAPACITY} verdicts of one series (time, score, anomalous), for the hints' "moved first or most":
 * where the series first left its band in a window and its largest score there. Fixed size: 12 bytes a verdict.
 */
final class RecentScores {
    static final int CAPACITY = 64;

    private final long[] times = new long[CAPACITY];
    private final float[] scores = new float[CAPACITY];
    private final boolean[] anomalous = new boolean[CAPACITY];
    private int next;
    private int size;

    void add(long epochSecond, double score, boolean outside) {
        times[next] = epochSecond;
        scores[next] = (float) score;
        anomalous[next] = outside;
        next = (next + 1) % CAPACITY;
        size = Math.min(size + 1, CAPACITY);
    }

    /** The mean time between its recent points, in seconds (60 until it has two). */
    long interval() {
        if (size < 2) {
            return 60;
        }
        long newest = times[(next - 1 + CAPACITY) % CAPACITY];
        long oldest = times[(next - size + CAPACITY) % CAPACITY];
        return Math.max(1, (newest - oldest) / (size - 1));
    }

    /** How the series moved in {@code [from, to]}; null when it has no verdict there. */
    HintFinder.Move move(String series, Instant from, Instant to) {
        long lo = from.getEpochSecond();
        long hi = to.getEpochSecond();
        Instant departed = null;
        double max = 0;
        boolean any = false;
        for (int i = 0; i < size; i++) {
            int k = (next - size + i + CAPACITY) % CAPACITY;
            if (times[k] < lo || times[k] > hi) {
                continue;
            }
            any = true;
            max = Math.max(max, scores[k]);
            if (anomalous[k] && departed == null) {
                departed = Instant.ofEpochSecond(times[k]);
            }
        }
        return any ? new HintFinder.Move(series, departed, max) : null;
    }
}
