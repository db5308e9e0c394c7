package io.pganalytics.analytics.anomaly;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The state a server checkpoints per series and per instance (about 30 series x thousands of instances): small, and
 * restored exactly, so a node that takes an instance over gives the verdicts its previous owner would have given.
 */
class DetectorStateTest {
    private static final long START = 1_700_006_400L; // a Wednesday, 00:00 UTC
    private static final int STEP = 60;
    private static final int DAY = 86_400 / STEP;

    private static double gaussian(SplittableRandom random) {
        return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    /** tps-like: a daily cycle with noise, with a gap of 3 hours on day 9 (a collector outage). */
    private static double seasonal(int i, SplittableRandom random) {
        return 200 + 50 * Math.sin(2 * Math.PI * i / DAY) + 5 * gaussian(random);
    }

    private static SeriesDetector fed(int points, boolean counts, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        SeriesDetector detector = new SeriesDetector(DetectorConfig.defaults());
        for (int i = 0; i < points; i++) {
            detector.observe(START + (long) STEP * i, counts ? (random.nextInt(200) == 0 ? 1 : 0) : seasonal(i, random));
        }
        return detector;
    }

    @Test
    void fiveWeeksOfANoisySeasonalSeriesSnapshotInUnder14Kilobytes() {
        // every seasonal slot full (2 samples a day, 10 a slot): 336 x 10 + 3 x 240 floats, 17.3 kB as plain floats
        int bytes = fed(35 * DAY, false, 1).snapshot().length;
        assertTrue(bytes < 14_000, "snapshot of a five-week seasonal series: " + bytes + " bytes");
    }

    @Test
    void fiveWeeksOfASparseCountSnapshotInUnderOneKilobyte() {
        int bytes = fed(35 * DAY, true, 2).snapshot().length;
        assertTrue(bytes < 1_000, "snapshot of a five-week count of deadlocks: " + bytes + " bytes");
    }

    @Test
    void restoredCompactSnapshotGivesTheSameFutureVerdicts() {
        for (boolean counts : new boolean[]{false, true}) {
            SplittableRandom random = new SplittableRandom(3);
            SeriesDetector original = new SeriesDetector(DetectorConfig.defaults());
            SeriesDetector copy = null;
            for (int i = 0; i < 11 * DAY; i++) {
                double value = counts ? (random.nextInt(200) == 0 ? 1 : 0) : seasonal(i, random);
                if (i >= 9 * DAY && i < 9 * DAY + 180) {
                    continue; // the outage: the restore below falls while the level is re-learnt
                }
                if (i == 9 * DAY + 185) {
                    copy = SeriesDetector.restore(DetectorConfig.defaults(), original.snapshot());
                }
                if (i == 10 * DAY) {
                    value += counts ? 8 : 80;
                }
                long t = START + (long) STEP * i;
                Verdict a = original.observe(t, value);
                if (copy != null) {
                    assertEquals(a, copy.observe(t, value), (counts ? "count" : "seasonal") + " verdict " + i);
                }
            }
            assertArrayEquals(original.snapshot(), copy.snapshot());
        }
    }

    @Test
    void aSnapshotOfTheFirstFormatOrDamagedIsRefused() {
        byte[] snapshot = fed(DAY, false, 4).snapshot();
        byte[] first = snapshot.clone();
        first[0] = 1;
        assertThrows(IllegalArgumentException.class, () -> SeriesDetector.restore(DetectorConfig.defaults(), first));
        byte[] cut = java.util.Arrays.copyOf(snapshot, snapshot.length - 20);
        assertThrows(IllegalArgumentException.class, () -> SeriesDetector.restore(DetectorConfig.defaults(), cut));
        byte[] flipped = snapshot.clone();
        flipped[flipped.length / 2] ^= 0x5a;
        assertThrows(IllegalArgumentException.class, () -> SeriesDetector.restore(DetectorConfig.defaults(), flipped));
    }

    @Test
    void anInstanceOf30MetricsSnapshotsInUnder40KilobytesAndRestoresExactly() {
        SplittableRandom random = new SplittableRandom(5);
        InstanceDetector original = new InstanceDetector(30, InstanceDetector.Settings.defaults());
        double[] vector = new double[30];
        InstanceDetector copy = null;
        for (int i = 0; i < 1000; i++) {
            for (int m = 0; m < 30; m++) {
                vector[m] = 50 + m + 10 * random.nextDouble();
            }
            if (i == 700) {
                int bytes = original.snapshot().length;
                assertTrue(bytes < 40_000, "snapshot of an instance detector over 30 metrics: " + bytes + " bytes");
                copy = InstanceDetector.restore(30, InstanceDetector.Settings.defaults(), original.snapshot());
            }
            InstanceVerdict a = original.observe(vector);
            if (copy != null) {
                assertEquals(a, copy.observe(vector), "verdict " + i);
            }
        }
    }
}
