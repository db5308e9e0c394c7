package io.pganalytics.analytics.anomaly;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InstanceDetectorTest {
    private static final int METRICS = 6;

    private static double[] normal(SplittableRandom random) {
        double[] v = new double[METRICS];
        double load = random.nextDouble() * 10;      // metrics 0 and 1 move together with the load
        v[0] = 100 + load + random.nextDouble();
        v[1] = 50 + 2 * load + random.nextDouble();
        for (int m = 2; m < METRICS; m++) {
            v[m] = 10 * m + random.nextDouble() * 4;
        }
        return v;
    }

    private static InstanceDetector trained(SplittableRandom random) {
        InstanceDetector d = new InstanceDetector(METRICS, InstanceDetector.Settings.defaults());
        for (int i = 0; i < 400; i++) {
            d.observe(normal(random));
        }
        return d;
    }

    @Test
    void aCombinationNoSingleMetricWouldFlagIsAnomalous() {
        SplittableRandom random = new SplittableRandom(1);
        InstanceDetector d = trained(random);
        // every metric inside its own usual range, but metric 1 high while its companion metric 0 is low
        double[] odd = {100.5, 69, 24, 34, 44, 54};
        InstanceVerdict verdict = d.observe(odd);
        assertFalse(verdict.learning());
        assertTrue(verdict.anomalous(), "score " + verdict.score());
        int ordinary = 0;
        for (int i = 0; i < 200; i++) {
            if (!d.observe(normal(random)).anomalous()) {
                ordinary++;
            }
        }
        assertTrue(ordinary >= 196, ordinary + " of 200 ordinary vectors not flagged");
    }

    @Test
    void theMostDeviatingMetricIsNamedFirst() {
        InstanceDetector d = trained(new SplittableRandom(2));
        InstanceVerdict verdict = d.observe(new double[]{105, 60, 20, 30, 400, 50});
        assertTrue(verdict.anomalous());
        assertEquals(4, verdict.deviating().get(0));
    }

    @Test
    void nothingIsFlaggedBeforeTheForestIsTrained() {
        InstanceDetector d = new InstanceDetector(METRICS, InstanceDetector.Settings.defaults());
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 100; i++) {
            d.observe(normal(random));
        }
        InstanceVerdict verdict = d.observe(new double[]{1e9, 1e9, 1e9, 1e9, 1e9, 1e9});
        assertTrue(verdict.learning());
        assertFalse(verdict.anomalous());
    }

    @Test
    void restoredSnapshotScoresExactlyLikeTheOriginal() {
        SplittableRandom random = new SplittableRandom(4);
        InstanceDetector original = trained(random);
        for (int i = 0; i < 17; i++) { // part-way between two trainings
            original.observe(normal(random));
        }
        InstanceDetector copy = InstanceDetector.restore(METRICS, InstanceDetector.Settings.defaults(), original.snapshot());
        for (int i = 0; i < 300; i++) {
            double[] v = normal(random);
            assertEquals(original.observe(v), copy.observe(v), "vector " + i);
        }
    }

    @Test
    void badVectorsAreRefused() {
        InstanceDetector d = new InstanceDetector(METRICS, InstanceDetector.Settings.defaults());
        assertThrows(IllegalArgumentException.class, () -> d.observe(new double[METRICS - 1]));
        assertThrows(IllegalArgumentException.class, () -> d.observe(new double[]{1, 2, 3, 4, 5, Double.NaN}));
        assertThrows(IllegalArgumentException.class,
                () -> InstanceDetector.restore(METRICS + 1, InstanceDetector.Settings.defaults(), d.snapshot()));
    }
}
