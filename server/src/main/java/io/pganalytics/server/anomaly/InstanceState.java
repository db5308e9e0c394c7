package io.pganalytics.server.anomaly;

import io.pganalytics.analytics.anomaly.DetectorConfig;
import io.pganalytics.analytics.anomaly.InstanceDetector;
import io.pganalytics.analytics.anomaly.SeriesDetector;

import java.time.Instant;
import java.util.HashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything the scorer keeps for one instance it owns: a {@link SeriesDetector} per series, the multivariate
 * {@link InstanceDetector} (series {@code instance}), the last point of each, the recent verdicts (for hints) and the
 * open episodes. Confined to the scorer's thread.
 *
 * <p>Sensitivity: the detectors run with the configured threshold times the instance's factor (low 1.5, normal 1,
 * high 0.75), so a high sensitivity really flags more; when the factor changes, every detector is restored from its
 * own snapshot under the new threshold (the snapshot is state; the threshold only judges).
 */
final class InstanceState {
    /** The multivariate detector's series. */
    static final String INSTANCE = "instance";
    /**
     * The multivariate vector: the instance's load, latency, sessions, cache and write rate. It is scored at every point
     * of {@code tps} (the clock), with each metric's latest value at or before it; until each has been seen once, it is
     * not scored.
     */
    static final List<String> VECTOR = List.of("tps", "statement_latency_ms", "connections", "active_connections",
            "cache_hit_ratio", "wal_bytes");
    /** Isolation-score threshold of the multivariate detector at normal sensitivity. */
    static final InstanceDetector.Settings VECTOR_SETTINGS = InstanceDetector.Settings.defaults();

    /** One series' detector, its last point and its recent verdicts. */
    static final class Series {
        SeriesDetector detector;
        long lastAt;
        final RecentScores recent = new RecentScores();

        Series(SeriesDetector detector, long lastAt) {
            this.detector = detector;
            this.lastAt = lastAt;
        }
    }

    /** The smallest sigma of a series that is not a ratio, as a fraction of its level. */
    static final double LEVEL_FLOOR = 0.02;

    final long instanceId;
    final String name;
    private final DetectorConfig base;
    double factor;
    DetectorConfig config;
    /** {@link #config} with a relative floor of at least {@link #LEVEL_FLOOR}, for every series but ratios ({@link #configFor}). */
    DetectorConfig levelConfig;
    InstanceDetector.Settings vectorSettings;
    /** Concurrent: the settings view reads the learning status off the scoring thread. */
    final Map<String, Series> series = new ConcurrentHashMap<>();
    InstanceDetector vector;
    long vectorLastAt = Long.MIN_VALUE;
    long vectorPoints;
    final RecentScores vectorRecent = new RecentScores();
    final double[] latest = new double[VECTOR.size()];
    final boolean[] seen = new boolean[VECTOR.size()];
    final Map<String, Episode> episodes = new HashMap<>();
    /** Series observed since the last checkpoint. */
    final Set<String> changed = new HashSet<>();
    Instant checkpointedAt;

    InstanceState(long instanceId, String name, DetectorConfig base, double factor, Instant now) {
        this.instanceId = instanceId;
        this.name = name;
        this.base = base;
        this.checkpointedAt = now;
        applyFactor(factor);
    }

    /** The threshold every detector of this instance judges with. */
    double threshold() {
        return config.threshold();
    }

    double vectorThreshold() {
        return vectorSettings.threshold();
    }

    /** Sets the sensitivity; restores every detector under the new thresholds when it changed. */
    void applyFactor(double newFactor) {
        if (config != null && newFactor == factor) {
            return;
        }
        factor = newFactor;
        config = base.with(Map.of("threshold", Double.toString(base.threshold() * newFactor)));
        levelConfig = config.with(Map.of("relativeFloor", Double.toString(Math.max(config.relativeFloor(), LEVEL_FLOOR))));
        InstanceDetector.Settings d = VECTOR_SETTINGS;
        // the isolation score lives in (0.5, 1): the factor scales the threshold's distance from 0.5
        double vectorThreshold = Math.min(0.99, 0.5 + (d.threshold() - 0.5) * newFactor);
        vectorSettings = new InstanceDetector.Settings(d.capacity(), d.retrainEvery(), d.trees(), d.sampleSize(), vectorThreshold, d.seed());
        for (Map.Entry<String, Series> s : series.entrySet()) {
            s.getValue().detector = SeriesDetector.restore(configFor(s.getKey()), s.getValue().detector.snapshot());
        }
        if (vector != null) {
            vector = InstanceDetector.restore(VECTOR.size(), vectorSettings, vector.snapshot());
        }
    }

    /** The series' state, a fresh detector when it has none. */
    Series series(String name) {
        return series.computeIfAbsent(name, n -> new Series(new SeriesDetector(configFor(n)), Long.MIN_VALUE));
    }

    /**
     * The configuration a series is judged with: rates, latencies, gauges and counts with a relative floor of at least
     * {@link #LEVEL_FLOOR} (at the default threshold of 4, no move under 8 % of the series' level is anomalous: a DBA is
     * not paged for tps going from 100 to 104, however quiet the series was); ratios (cache hit ratio, host CPU or memory
     * use) keep the detector's own floor, since a ratio near 1 that drops by a few points is already news.
     */
    DetectorConfig configFor(String seriesName) {
        return isRatio(seriesName) ? config : levelConfig;
    }

    static boolean isRatio(String seriesName) {
        return seriesName.endsWith("_ratio");
    }

    /** The newest point scored in any series: what the sweep compares with the instance's last collection. */
    long cursor() {
        long max = vectorLastAt;
        for (Series s : series.values()) {
            max = Math.max(max, s.lastAt);
        }
        return max;
    }

    /**
     * Where the next read starts: the oldest last point among the series that are still current (within {@code catchUp}
     * of the newest); a series that stopped long ago (a statement no longer among the top ones) does not hold reads back.
     */
    long readAfter(long catchUpSeconds) {
        long cursor = cursor();
        long after = cursor;
        for (Series s : series.values()) {
            if (s.lastAt >= cursor - catchUpSeconds) {
                after = Math.min(after, s.lastAt);
            }
        }
        return after;
    }

    int learningSeries() {
        int n = 0;
        for (Series s : series.values()) {
            if (s.detector.learning()) {
                n++;
            }
        }
        return n + (vector != null && vector.learning() ? 1 : 0);
    }
}
