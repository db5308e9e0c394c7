package io.pganalytics.analytics.anomaly;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SeriesDetectorTest {
    private static final long START = 1_700_006_400L; // a Wednesday, 00:00 UTC
    private static final int STEP = 300;              // one point every 5 minutes
    private static final int DAY = 86_400 / STEP;

    /** A daily cycle of amplitude 20 around 100 plus noise of sigma 1: the "normal" every test starts from. */
    private static double[] seasonal(int points, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] v = new double[points];
        for (int i = 0; i < points; i++) {
            v[i] = 100 + 20 * Math.sin(2 * Math.PI * i / DAY) + gaussian(random);
        }
        return v;
    }

    private static double gaussian(SplittableRandom random) {
        return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    private static List<Verdict> run(SeriesDetector detector, double[] values) {
        List<Verdict> out = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            out.add(detector.observe(START + (long) STEP * i, values[i]));
        }
        return out;
    }

    private static List<Integer> alerts(List<Verdict> verdicts) {
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i < verdicts.size(); i++) {
            if (verdicts.get(i).alert()) {
                at.add(i);
            }
        }
        return at;
    }

    @Test
    void dailyAndWeeklySeasonalityIsNotFlaggedOnceTheSeasonIsLearnt() {
        // a busy-hours cycle of amplitude 10 and weekends 15 lower, noise of sigma 1, four weeks
        SplittableRandom random = new SplittableRandom(1);
        double[] values = new double[28 * DAY];
        for (int i = 0; i < values.length; i++) {
            int dayOfWeek = (2 + i / DAY) % 7; // START is a Wednesday: 0 = Monday
            values[i] = 100 + 10 * Math.sin(2 * Math.PI * i / DAY) - (dayOfWeek >= 5 ? 15 : 0) + gaussian(random);
        }
        List<Verdict> v = run(new SeriesDetector(DetectorConfig.defaults()), values);
        List<Integer> late = alerts(v).stream().filter(i -> i >= 14 * DAY).toList();
        assertEquals(List.of(), late, "alerts on plain daily and weekly cycles in their third and fourth weeks");
        Verdict saturdayPeak = v.get(24 * DAY + DAY / 4); // day 24 is a Saturday
        assertTrue(Math.abs(saturdayPeak.expected() - 95) < 3, "expected value at a Saturday's peak: " + saturdayPeak);
    }

    @Test
    void plantedSpikeIsAlertedAtOnce() {
        double[] values = seasonal(10 * DAY, 2);
        int spike = 8 * DAY + 37;
        values[spike] += 15;
        List<Verdict> v = run(new SeriesDetector(DetectorConfig.defaults()), values);
        assertTrue(alerts(v).contains(spike), "spike at " + spike + " not alerted; alerts " + alerts(v) + ", verdict " + v.get(spike));
        assertEquals(Kind.SPIKE, v.get(spike).kind());
        assertTrue(v.get(spike).value() > v.get(spike).upper(), "spike above the band: " + v.get(spike));
    }

    @Test
    void levelShiftIsDetectedAndTheLevelReBases() {
        double[] values = seasonal(10 * DAY, 3);
        int shift = 8 * DAY;
        for (int i = shift; i < values.length; i++) {
            values[i] += 12;
        }
        List<Verdict> v = run(new SeriesDetector(DetectorConfig.defaults()), values);
        List<Integer> after = alerts(v).stream().filter(i -> i >= shift).toList();
        assertFalse(after.isEmpty(), "no alert after the shift at " + shift);
        assertTrue(after.get(0) < shift + 30, "first alert " + after.get(0) + " too long after the shift at " + shift);
        assertTrue(v.subList(shift, shift + 30).stream().anyMatch(x -> x.kind() == Kind.LEVEL_SHIFT), "no LEVEL_SHIFT verdict");
        assertEquals(1, after.size(), "one alert for one shift, got " + after);
        Verdict later = v.get(shift + DAY / 2);
        assertTrue(later.lower() < later.value() && later.value() < later.upper(), "band follows the new level: " + later);
    }

    @Test
    void trendChangeIsFlagged() {
        SplittableRandom random = new SplittableRandom(4);
        double[] values = new double[3 * DAY];
        int bend = 2 * DAY;
        for (int i = 0; i < values.length; i++) {
            values[i] = 50 + gaussian(random) + (i >= bend ? 0.5 * (i - bend) : 0);
        }
        List<Verdict> v = run(new SeriesDetector(DetectorConfig.defaults()), values);
        assertEquals(List.of(), alerts(v).stream().filter(i -> i > 120 && i < bend).toList(), "alerts before the bend");
        List<Integer> after = alerts(v).stream().filter(i -> i >= bend).toList();
        assertFalse(after.isEmpty(), "no alert after the trend change at " + bend);
        assertTrue(after.get(0) < bend + 60, "first alert " + after.get(0) + " too late after the bend at " + bend);
        assertTrue(v.subList(bend, v.size()).stream().anyMatch(x -> x.kind() == Kind.TREND_CHANGE), "no TREND_CHANGE verdict");
    }

    @Test
    void outliersInHistoryDoNotWidenTheBand() {
        double[] clean = seasonal(10 * DAY, 5);
        double[] dirty = clean.clone();
        SplittableRandom random = new SplittableRandom(6);
        for (int k = 0; k < 40; k++) { // 40 wild outliers over the first week
            int i = 200 + random.nextInt(7 * DAY - 200);
            dirty[i] += (random.nextBoolean() ? 1 : -1) * (50 + random.nextInt(200));
        }
        List<Verdict> a = run(new SeriesDetector(DetectorConfig.defaults()), clean);
        List<Verdict> b = run(new SeriesDetector(DetectorConfig.defaults()), dirty);
        for (int i = 8 * DAY; i < 10 * DAY; i += 37) {
            double widthClean = a.get(i).upper() - a.get(i).lower();
            double widthDirty = b.get(i).upper() - b.get(i).lower();
            assertTrue(widthDirty < 1.25 * widthClean, "band at " + i + ": " + widthDirty + " with outliers in history vs " + widthClean);
        }
    }

    @Test
    void nothingIsFlaggedWhileLearning() {
        double[] values = seasonal(200, 7);
        values[50] += 1000;
        SeriesDetector detector = new SeriesDetector(DetectorConfig.defaults());
        List<Verdict> v = run(detector, values);
        assertTrue(v.get(50).learning());
        assertEquals(Kind.NONE, v.get(50).kind());
        assertTrue(v.subList(0, 120).stream().allMatch(x -> x.learning() && !x.alert() && x.score() == 0));
        assertFalse(v.get(150).learning());
    }

    @Test
    void restoredSnapshotContinuesExactlyLikeTheOriginal() {
        double[] values = seasonal(6 * DAY, 8);
        values[5 * DAY + 10] += 30;
        SeriesDetector original = new SeriesDetector(DetectorConfig.defaults());
        SeriesDetector copy = null;
        for (int i = 0; i < values.length; i++) {
            if (i == 4 * DAY) {
                copy = SeriesDetector.restore(DetectorConfig.defaults(), original.snapshot());
            }
            Verdict a = original.observe(START + (long) STEP * i, values[i]);
            if (copy != null) {
                assertEquals(a, copy.observe(START + (long) STEP * i, values[i]), "verdict " + i);
            }
        }
        assertArrayEquals(original.snapshot(), copy.snapshot());
        assertTrue(original.snapshot().length < 20_000, "state of " + original.snapshot().length + " bytes");
    }

    @Test
    void snapshotOfAnotherWindowIsRefused() {
        byte[] snapshot = new SeriesDetector(DetectorConfig.defaults()).snapshot();
        DetectorConfig other = DetectorConfig.defaults().with(Map.of("window", "120"));
        assertThrows(IllegalArgumentException.class, () -> SeriesDetector.restore(other, snapshot));
        assertThrows(IllegalArgumentException.class, () -> SeriesDetector.restore(DetectorConfig.defaults(), new byte[]{1, 2}));
    }

    @Test
    void badPointsAreRefusedAndChangeNothing() {
        SeriesDetector detector = new SeriesDetector(DetectorConfig.defaults());
        detector.observe(START, 1);
        byte[] before = detector.snapshot();
        assertThrows(IllegalArgumentException.class, () -> detector.observe(START + 60, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> detector.observe(START, 2));
        assertThrows(IllegalArgumentException.class, () -> detector.observe(START - 60, 2));
        assertArrayEquals(before, detector.snapshot());
    }

    @Test
    void unknownOrOutOfRangeSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> DetectorConfig.defaults().with(Map.of("treshold", "3")));
        assertThrows(IllegalArgumentException.class, () -> DetectorConfig.defaults().with(Map.of("slotMinutes", "7")));
        assertThrows(IllegalArgumentException.class, () -> DetectorConfig.defaults().with(Map.of("threshold", "x")));
    }
}
