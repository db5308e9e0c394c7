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

        InstanceDetector instance = new InstanceDetector(metrics, InstanceDetector.Settings.defaults());
        double vectorsPerCore = instanceThroughput(instance, metrics, random, threads);
        double neededVectors = (double) instances / interval;
        double share = needed / perCore + neededVectors / vectorsPerCore;
        out.printf("instance detector (isolation forest over %d metrics): %.0f vectors per second per core;"
                + " state %d bytes%n", metrics, vectorsPerCore, instance.snapshot().length);
        out.printf("fleet of %d instances x %d series every %d s = %.0f points/s and %.1f vectors/s: %.3f core"
                        + " (series %.3f + instance %.3f); goal 0.5 core%n", instances, metrics, interval, needed,
                neededVectors, share, needed / perCore, neededVectors / vectorsPerCore);
        long fullSeries = fullSeasonState(config);
        long instanceState = metrics * fullSeries + instance.snapshot().length;
        out.printf("state per series once every seasonal slot is full (5 weeks of these noisy series): %d bytes%n", fullSeries);
        out.printf("state per instance (%d such series + the instance detector, as checkpointed): %d bytes;"
                + " %d instances: %.0f MB%n", metrics, instanceState, instances, instanceState * (double) instances / 1e6);
        heapPerInstance(config, metrics);
    }

    /** Snapshot bytes of a series of this bench after five weeks, when every seasonal slot holds its samples. */
    private static long fullSeasonState(DetectorConfig config) {
        int count = 3;
        SeriesDetector[] detectors = new SeriesDetector[count];
        double[] phase = new double[count];
        SplittableRandom random = new SplittableRandom(3);
        for (int s = 0; s < count; s++) {
            detectors[s] = new SeriesDetector(config);
            phase[s] = random.nextDouble() * 2 * Math.PI;
        }
        int minutes = 35 * 1440;
        feed(detectors, phase, random, 1_700_000_000L, 0, minutes);
        long bytes = 0;
        for (SeriesDetector d : detectors) {
            bytes += d.snapshot().length;
        }
        return bytes / count;
    }

    /**
     * Heap held by the detectors of one instance once trained (every ring and slot is allocated at construction; the
     * forest after the first training): measured over a few instances between two collections, so a rough figure.
     */
    private void heapPerInstance(DetectorConfig config, int metrics) {
        int count = 20;
        SplittableRandom random = new SplittableRandom(7);
        Runtime runtime = Runtime.getRuntime();
        long before = usedAfterCollection(runtime);
        Object[] kept = new Object[count];
        for (int k = 0; k < count; k++) {
            SeriesDetector[] series = new SeriesDetector[metrics];
            for (int s = 0; s < metrics; s++) {
                series[s] = new SeriesDetector(config);
                series[s].observe(1_700_000_000L, 1);
            }
            InstanceDetector instance = new InstanceDetector(metrics, InstanceDetector.Settings.defaults());
            double[] vector = new double[metrics];
            for (int i = 0; i < InstanceDetector.Settings.defaults().capacity(); i++) {
                for (int m = 0; m < metrics; m++) {
                    vector[m] = 50 + m + random.nextDouble() * 10;
                }
                instance.observe(vector);
            }
            kept[k] = new Object[]{series, instance};
        }
        long after = usedAfterCollection(runtime);
        out.printf("heap per instance (%d series detectors + a trained instance detector, %d instances measured):"
                + " about %d kB%n", metrics, count, (after - before) / count / 1024);
        java.lang.ref.Reference.reachabilityFence(kept);
    }

    private static long usedAfterCollection(Runtime runtime) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return runtime.totalMemory() - runtime.freeMemory();
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

    private static double instanceThroughput(InstanceDetector detector, int metrics, SplittableRandom random,
                                             ThreadMXBean threads) {
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
