package io.pganalytics.analytics.bench;

import io.pganalytics.analytics.anomaly.DetectorConfig;
import io.pganalytics.analytics.anomaly.InstanceDetector;
import io.pganalytics.analytics.anomaly.SeriesDetector;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.SplittableRandom;

/**
 * {@code bench throughput}: synthetic series (a daily cycle, noise and rare spikes, one point a minute) through
 * {@link SeriesDetector}s on one thread, timed in that thread's CPU time, after a warm-up pass that takes every
 * detector out of learning; plus one {@link InstanceDetector} per simulated instance over all its metrics.
 */
final class ThroughputBench {
    private final PrintStream out;

    ThroughputBench(PrintStream out) {
        this.out = out;
    }

    void run(DetectorConfig config, int seriesCount, int hours, int instances, int metrics, int interval) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        SplittableRandom random = new SplittableRandom(42);
        SeriesDetector[] detectors = new SeriesDetector[seriesCount];
        double[] phase = new double[seriesCount];
        for (int s = 0; s < seriesCount; s++) {
            detectors[s] = new SeriesDetector(config);
            phase[s] = random.nextDouble() * 2 * Math.PI;
        }
        int pointsPerSeries = hours * 3600 / 60;
        long start = 1_700_000_000L;
        int warmup = Math.max(config.learningPoints(), config.window()) + 1;
        feed(detectors, phase, random, start, 0, warmup);
        long cpu = threads.getCurrentThreadCpuTime();
        long wall = System.nanoTime();
        long scored = feed(detectors, phase, random, start, warmup, warmup + pointsPerSeries);
        double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpu) / 1e9;
        double wallSeconds = (System.nanoTime() - wall) / 1e9;
        double perCore = scored / cpuSeconds;
        double needed = (double) instances * metrics / interval;
        long stateBytes = 0;
        for (SeriesDetector d : detectors) {
            stateBytes += d.snapshot().length;
        }
        out.printf("series detector: %d points of %d series scored in %.2f s CPU (%.2f s wall), one thread%n",
                scored, seriesCount, cpuSeconds, wallSeconds);
        out.printf("  %.0f points per second per core; %.2f us per point; state %d bytes per series%n",
                perCore, 1e6 / perCore, stateBytes / seriesCount);

        double vectorsPerCore = instanceThroughput(metrics, random, threads);
        double neededVectors = (double) instances / interval;
        double share = needed / perCore + neededVectors / vectorsPerCore;
        out.printf("instance detector (isolation forest over %d metrics): %.0f vectors per second per core%n",
                metrics, vectorsPerCore);
        out.printf("fleet of %d instances x %d series every %d s = %.0f points/s and %.1f vectors/s: %.3f core"
                        + " (series %.3f + instance %.3f); goal 0.5 core%n", instances, metrics, interval, needed,
                neededVectors, share, needed / perCore, neededVectors / vectorsPerCore);
    }

    private static long feed(SeriesDetector[] detectors, double[] phase, SplittableRandom random, long start,
                             int from, int to) {
        long scored = 0;
        for (int i = from; i < to; i++) {
            long t = start + 60L * i;
            double day = 2 * Math.PI * (t % 86400) / 86400.0;
            for (int s = 0; s < detectors.length; s++) {
                double v = 100 + 30 * Math.sin(day + phase[s]) + random.nextDouble() * 5
                        + (random.nextInt(5000) == 0 ? 80 : 0);
                detectors[s].observe(t, v);
                scored++;
            }
        }
        return scored;
    }

    private static double instanceThroughput(int metrics, SplittableRandom random, ThreadMXBean threads) {
        InstanceDetector detector = new InstanceDetector(metrics, InstanceDetector.Settings.defaults());
        double[] vector = new double[metrics];
        int total = 20_000;
        long cpu = 0;
        for (int i = 0; i < total; i++) {
            for (int m = 0; m < metrics; m++) {
                vector[m] = 50 + m + random.nextDouble() * 10;
            }
            if (i == total / 2) {
                cpu = threads.getCurrentThreadCpuTime();
            }
            detector.observe(vector);
        }
        return (total - total / 2) / ((threads.getCurrentThreadCpuTime() - cpu) / 1e9);
    }
}
