package io.pganalytics.collector.ship;

import java.time.Duration;

/**
 * Latencies in a fixed set of logarithmic buckets (4 % wide, 1 microsecond to hours): constant memory however
 * many values are recorded, percentiles accurate to a bucket. Thread-safe.
 */
public final class LatencyHistogram {
    private static final double RATIO = 1.04;
    private static final double LOG_RATIO = Math.log(RATIO);
    private static final int BUCKETS = 640;

    private final long[] counts = new long[BUCKETS];
    private long count;
    private long maxMicros;
    private long sumMicros;

    public synchronized void record(Duration latency) {
        long micros = Math.max(1, latency.toNanos() / 1000);
        counts[bucketOf(micros)]++;
        count++;
        sumMicros += micros;
        maxMicros = Math.max(maxMicros, micros);
    }

    public synchronized long count() {
        return count;
    }

    public synchronized Duration max() {
        return Duration.ofNanos(maxMicros * 1000);
    }

    public synchronized Duration mean() {
        return count == 0 ? Duration.ZERO : Duration.ofNanos(sumMicros * 1000 / count);
    }

    /** The value below which a share {@code quantile} (0..1) of the recorded values lie; zero when empty. */
    public synchronized Duration percentile(double quantile) {
        if (count == 0) {
            return Duration.ZERO;
        }
        long rank = Math.max(1, (long) Math.ceil(quantile * count));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                long upper = (long) Math.ceil(Math.pow(RATIO, i));
                return Duration.ofNanos(Math.min(upper, maxMicros) * 1000);
            }
        }
        return max();
    }

    /** Adds another histogram's values to this one. */
    public void add(LatencyHistogram other) {
        long[] otherCounts;
        long otherCount;
        long otherMax;
        long otherSum;
        synchronized (other) {
            otherCounts = other.counts.clone();
            otherCount = other.count;
            otherMax = other.maxMicros;
            otherSum = other.sumMicros;
        }
        synchronized (this) {
            for (int i = 0; i < BUCKETS; i++) {
                counts[i] += otherCounts[i];
            }
            count += otherCount;
            sumMicros += otherSum;
            maxMicros = Math.max(maxMicros, otherMax);
        }
    }

    /** A copy of the values recorded so far, leaving this one empty. */
    public synchronized LatencyHistogram takeAndReset() {
        LatencyHistogram copy = new LatencyHistogram();
        System.arraycopy(counts, 0, copy.counts, 0, BUCKETS);
        copy.count = count;
        copy.sumMicros = sumMicros;
        copy.maxMicros = maxMicros;
        java.util.Arrays.fill(counts, 0);
        count = 0;
        sumMicros = 0;
        maxMicros = 0;
        return copy;
    }

    private static int bucketOf(long micros) {
        return (int) Math.min(BUCKETS - 1, Math.max(0, Math.ceil(Math.log(micros) / LOG_RATIO)));
    }
}
