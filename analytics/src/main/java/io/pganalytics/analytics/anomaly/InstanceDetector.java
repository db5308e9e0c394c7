package io.pganalytics.analytics.anomaly;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The multivariate detector of one instance: each vector of its metrics (one value per metric, same order every
 * time) is scored by an {@link IsolationForest} trained on the recent vectors, so a combination that is unusual
 * although no single metric is (all slightly up at once, or one up while its usual companion is not) is flagged.
 *
 * <p>Streaming: the last {@code capacity} vectors are kept; every {@code retrainEvery} vectors the forest is rebuilt
 * from the {@code capacity - retrainEvery} vectors before that moment with a fixed seed, so a {@link #restore}d
 * detector rebuilds exactly the same forest. Scoring costs O(trees * log sample); training is amortised over
 * {@code retrainEvery} points. Not thread-safe.
 */
public final class InstanceDetector {
    /** 2: the vectors as floats in the compact form ({@link CompactState}); format 1 is refused. */
    private static final int FORMAT = 2;

    /**
     * @param capacity     recent vectors kept
     * @param retrainEvery vectors between two trainings (the newest of them are not in the forest yet)
     * @param trees        trees per forest
     * @param sampleSize   rows per tree
     * @param threshold    isolation score from which a vector is anomalous
     * @param seed         the random seed of every forest
     */
    public record Settings(int capacity, int retrainEvery, int trees, int sampleSize, double threshold, long seed) {
        public Settings {
            if (retrainEvery < 1 || capacity - retrainEvery < 16 || trees < 1 || sampleSize < 8
                    || sampleSize > IsolationForest.MAX_SAMPLE
                    || !(threshold > 0.5 && threshold < 1)) {
                throw new IllegalArgumentException("instance detector: capacity " + capacity + ", retrainEvery "
                        + retrainEvery + ", trees " + trees + ", sampleSize " + sampleSize + ", threshold " + threshold
                        + ": needs capacity - retrainEvery >= 16, trees >= 1, 8 <= sampleSize <= " + IsolationForest.MAX_SAMPLE
                        + ", 0.5 < threshold < 1");
            }
        }

        public static Settings defaults() {
            return new Settings(320, 64, 100, 128, 0.62, 20_161_206L);
        }
    }

    private final int metrics;
    private final Settings settings;
    private final float[][] recent;
    private int head;
    private int size;
    private int sinceTraining;
    private long points;
    private IsolationForest forest;
    private double[] medians;
    private double[] sigmas;

    public InstanceDetector(int metrics, Settings settings) {
        if (metrics < 1 || metrics > Short.MAX_VALUE) {
            throw new IllegalArgumentException("instance detector: needs 1 to " + Short.MAX_VALUE + " metrics, got " + metrics);
        }
        this.metrics = metrics;
        this.settings = settings;
        this.recent = new float[settings.capacity()][metrics];
    }

    public boolean learning() {
        return forest == null;
    }

    /**
     * Scores a vector and learns from it.
     *
     * @throws IllegalArgumentException for a vector of another length or with a value that is not finite
     */
    public InstanceVerdict observe(double[] vector) {
        if (vector.length != metrics) {
            throw new IllegalArgumentException("instance detector: vector of " + vector.length + " values, expected " + metrics);
        }
        for (double v : vector) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("instance detector: value " + v + " is not finite");
            }
        }
        InstanceVerdict verdict;
        if (forest == null) {
            verdict = new InstanceVerdict(true, 0, false, List.of());
        } else {
            double score = forest.score(vector);
            verdict = new InstanceVerdict(false, score, score >= settings.threshold(), deviating(vector));
        }
        // kept as floats, the precision the snapshot stores, so a restored detector trains the very same forest
        float[] row = recent[(head + size) % recent.length];
        for (int m = 0; m < metrics; m++) {
            row[m] = (float) vector[m];
        }
        if (size < recent.length) {
            size++;
        } else {
            head = (head + 1) % recent.length;
        }
        points++;
        if (++sinceTraining >= settings.retrainEvery() && size >= settings.capacity() / 2) {
            sinceTraining = 0;
            train();
        }
        return verdict;
    }

    /** Trains on the vectors before the last {@code sinceTraining}, at most capacity - retrainEvery of them. */
    private void train() {
        int usable = size - sinceTraining;
        int count = Math.min(usable, settings.capacity() - settings.retrainEvery());
        double[][] rows = new double[count][metrics];
        for (int i = 0; i < count; i++) {
            float[] row = recent[(head + usable - count + i) % recent.length];
            for (int m = 0; m < metrics; m++) {
                rows[i][m] = row[m];
            }
        }
        forest = new IsolationForest(rows, count, settings.trees(), settings.sampleSize(), settings.seed());
        medians = new double[metrics];
        sigmas = new double[metrics];
        double[] column = new double[count];
        for (int m = 0; m < metrics; m++) {
            for (int i = 0; i < count; i++) {
                column[i] = rows[i][m];
            }
            medians[m] = Robust.median(column, count);
            sigmas[m] = Math.max(Robust.sigma(column, count, medians[m]), 1e-9 * Math.max(1, Math.abs(medians[m])));
        }
    }

    private List<Integer> deviating(double[] vector) {
        Integer[] order = new Integer[metrics];
        double[] z = new double[metrics];
        for (int m = 0; m < metrics; m++) {
            order[m] = m;
            z[m] = Math.abs(vector[m] - medians[m]) / sigmas[m];
        }
        Arrays.sort(order, Comparator.comparingDouble(m -> -z[m]));
        return new ArrayList<>(Arrays.asList(order).subList(0, Math.min(3, metrics)));
    }

    /** The state as bytes: the recent vectors (as floats, deflated byte planes) and the training position. */
    public byte[] snapshot() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeInt(metrics);
            out.writeInt(settings.capacity());
            CompactState.Writer state = new CompactState.Writer();
            state.scalars.writeLong(points);
            state.scalars.writeInt(sinceTraining);
            state.scalars.writeBoolean(forest != null);
            state.scalars.writeInt(size);
            // metric by metric: one metric's values sit together, which is what compresses
            for (int j = 0; j < metrics; j++) {
                for (int i = 0; i < size; i++) {
                    state.add(recent[(head + i) % recent.length][j]);
                }
            }
            state.finish(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * A detector with the state of {@link #snapshot()}; its forest is rebuilt from the same vectors and seed.
     *
     * @throws IllegalArgumentException when the bytes are not a snapshot of this shape and format
     */
    public static InstanceDetector restore(int metrics, Settings settings, byte[] snapshot) {
        InstanceDetector d = new InstanceDetector(metrics, settings);
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
            int format = in.readByte();
            int m = in.readInt();
            int capacity = in.readInt();
            if (format != FORMAT || m != metrics || capacity != settings.capacity()) {
                throw new IllegalArgumentException("instance detector: snapshot (format " + format + ", " + m
                        + " metrics, capacity " + capacity + ") does not fit format " + FORMAT + ", " + metrics
                        + " metrics, capacity " + settings.capacity());
            }
            CompactState.Reader state = new CompactState.Reader(in);
            d.points = state.scalars.readLong();
            int since = state.scalars.readInt();
            boolean trained = state.scalars.readBoolean();
            int n = state.scalars.readInt();
            if (n < 0 || n > capacity || since < 0 || since > n) {
                throw new IllegalArgumentException("instance detector: snapshot holds " + n + " vectors, " + since + " since training");
            }
            for (int j = 0; j < metrics; j++) {
                for (int i = 0; i < n; i++) {
                    d.recent[i][j] = state.next();
                }
            }
            state.end();
            d.size = n;
            d.sinceTraining = since;
            if (trained) {
                d.train();
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("instance detector: snapshot of " + snapshot.length + " bytes is unreadable: " + e.getMessage(), e);
        }
        return d;
    }
}
