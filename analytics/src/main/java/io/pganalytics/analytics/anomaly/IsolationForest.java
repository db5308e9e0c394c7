package io.pganalytics.analytics.anomaly;

import java.util.SplittableRandom;

/**
 * An isolation forest (Liu, Ting and Zhou, 2008): random axis-parallel splits isolate unusual points in fewer steps
 * than usual ones. Trees are built from sub-samples of the rows with a fixed seed, so the same rows and seed give
 * the same forest on every node. Scores are in (0, 1): about 0.5 and below is ordinary, towards 1 is anomalous.
 */
public final class IsolationForest {
    private static final double EULER = 0.5772156649015329;
    /** Node indexes within a tree (at most 2 * sample - 1) and leaf sizes are kept as shorts. */
    static final int MAX_SAMPLE = 16_384;

    // every tree's nodes in one set of arrays, tree t's from t * nodesPerTree; floats, since the rows a detector keeps
    // are floats: a server holds a forest per instance, and 100 trees of 255 nodes in 7 arrays each cost twice as much
    private final int trees;
    private final int nodesPerTree;
    private final short[] feature;
    private final float[] split;
    private final short[] left;
    private final short[] right;
    private final short[] leafSize;
    private final float[] low;
    private final float[] high;
    private final double normaliser;
    private final int heightLimit;

    private int nodes;

    /**
     * Builds the forest over rows {@code [0, count)} of {@code rows}.
     *
     * @throws IllegalArgumentException when there are fewer than two rows or the rows' widths differ
     */
    public IsolationForest(double[][] rows, int count, int trees, int sampleSize, long seed) {
        if (count < 2 || trees < 1 || sampleSize < 2) {
            throw new IllegalArgumentException("isolation forest: needs 2+ rows, 1+ trees and a sample of 2+, got "
                    + count + " rows, " + trees + " trees, sample " + sampleSize);
        }
        int dims = rows[0].length;
        for (int i = 1; i < count; i++) {
            if (rows[i].length != dims) {
                throw new IllegalArgumentException("isolation forest: row " + i + " has " + rows[i].length + " values, not " + dims);
            }
        }
        int sample = Math.min(sampleSize, count);
        if (sample > MAX_SAMPLE || dims > Short.MAX_VALUE) {
            throw new IllegalArgumentException("isolation forest: a sample of " + sample + " rows of " + dims
                    + " values; at most " + MAX_SAMPLE + " rows of " + Short.MAX_VALUE + " values");
        }
        this.heightLimit = (int) Math.ceil(Math.log(sample) / Math.log(2));
        this.normaliser = averagePathLength(sample);
        this.trees = trees;
        this.nodesPerTree = Math.min(2 * sample - 1, (1 << (heightLimit + 1)) - 1);
        int all = trees * nodesPerTree;
        feature = new short[all];
        split = new float[all];
        left = new short[all];
        right = new short[all];
        leafSize = new short[all];
        low = new float[all];
        high = new float[all];
        SplittableRandom random = new SplittableRandom(seed);
        int[] index = new int[count];
        for (int t = 0; t < trees; t++) {
            for (int i = 0; i < count; i++) {
                index[i] = i;
            }
            for (int i = 0; i < sample; i++) { // partial Fisher-Yates: the first `sample` indexes are the sub-sample
                int j = i + random.nextInt(count - i);
                int swap = index[i];
                index[i] = index[j];
                index[j] = swap;
            }
            nodes = t * nodesPerTree;
            grow(t, rows, index, 0, sample, 0, dims, random);
        }
    }

    private int grow(int t, double[][] rows, int[] index, int from, int to, int depth, int dims, SplittableRandom random) {
        int node = nodes++;
        int base = t * nodesPerTree; // children are kept relative to their tree, so they fit a short
        int size = to - from;
        left[node] = -1;
        if (depth >= heightLimit || size <= 1) {
            leafSize[node] = (short) size;
            return node;
        }
        int f = random.nextInt(dims);
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = from; i < to; i++) {
            double v = rows[index[i]][f];
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        if (!(max > min)) {
            leafSize[node] = (short) size;
            return node;
        }
        float cut = (float) (min + random.nextDouble() * (max - min)); // the split as kept, so scoring takes the same paths
        int mid = from;
        for (int i = from; i < to; i++) {
            if (rows[index[i]][f] < cut) {
                int swap = index[i];
                index[i] = index[mid];
                index[mid] = swap;
                mid++;
            }
        }
        feature[node] = (short) f;
        split[node] = cut;
        low[node] = (float) min;
        high[node] = (float) max;
        left[node] = (short) (grow(t, rows, index, from, mid, depth + 1, dims, random) - base);
        right[node] = (short) (grow(t, rows, index, mid, to, depth + 1, dims, random) - base);
        return node;
    }

    /**
     * The anomaly score of a point: 2^(-mean path length / c(sample)). A point beyond a node's sample on that node's split
     * feature by more than the sample's own range is isolated at that node (the plain algorithm would send a value far beyond every
     * training value down the same path as the largest ones, and score it as merely unusual).
     */
    public double score(double[] x) {
        double total = 0;
        for (int t = 0; t < trees; t++) {
            int node = t * nodesPerTree;
            int depth = 0;
            boolean outside = false;
            while (left[node] >= 0) {
                double v = x[feature[node]];
                double width = high[node] - low[node];
                if (v < low[node] - width || v > high[node] + width) {
                    outside = true;
                    break;
                }
                node = t * nodesPerTree + (v < split[node] ? left[node] : right[node]);
                depth++;
            }
            total += outside ? depth + 1 : depth + averagePathLength(leafSize[node]);
        }
        return Math.pow(2, -(total / trees) / normaliser);
    }

    /** c(n): the average path length of an unsuccessful search in a binary search tree of n points. */
    static double averagePathLength(int n) {
        if (n <= 1) {
            return 0;
        }
        if (n == 2) {
            return 1;
        }
        return 2 * (Math.log(n - 1) + EULER) - 2.0 * (n - 1) / n;
    }

    int heightLimit() {
        return heightLimit;
    }
}
