package io.pganalytics.analytics.anomaly;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shapes of the series the server scores (docs/ANOMALIES.md, "What is detected"): sparse event counts, small
 * whole-number gauges, ratios near 1, near-constant series, restarts, and the gaps and irregular intervals of real
 * collection. One point a minute, the default configuration.
 */
class PostgresSeriesTest {
    private static final long START = 1_700_006_400L; // a Wednesday, 00:00 UTC
    private static final int STEP = 60;
    private static final int DAY = 86_400 / STEP;

    private static double gaussian(SplittableRandom random) {
        return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    private static List<Verdict> run(SeriesDetector detector, double[] values) {
        long[] times = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            times[i] = START + (long) STEP * i;
        }
        return run(detector, times, values);
    }

    private static List<Verdict> run(SeriesDetector detector, long[] times, double[] values) {
        List<Verdict> out = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            out.add(detector.observe(times[i], values[i]));
        }
        return out;
    }

    private static List<Integer> alertsBetween(List<Verdict> verdicts, int from, int to) {
        List<Integer> at = new ArrayList<>();
        for (int i = from; i < Math.min(to, verdicts.size()); i++) {
            if (verdicts.get(i).alert()) {
                at.add(i);
            }
        }
        return at;
    }

    /** deadlocks: zero nearly every minute, one about seven times a day. */
    private static double[] sparseCounts(int points, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] v = new double[points];
        for (int i = 0; i < points; i++) {
            v[i] = random.nextInt(200) == 0 ? 1 : 0;
        }
        return v;
    }

    @Test
    void sparseEventCountsDoNotAlertOnTheirUsualOnes() {
        List<Verdict> v = run(new SeriesDetector(DetectorConfig.defaults()), sparseCounts(10 * DAY, 1));
        assertEquals(List.of(), alertsBetween(v, 0, v.size()), "alerts on a count that is 0, sometimes 1");
    }

    @Test
    void aBurstInASparseCountIsAlerted() {
        double[] values = sparseCounts(10 * DAY, 2);
        int burst = 8 * DAY + 100;
        values[burst] = 6;
        List<Verdict> v = run(new SeriesDetector(DetectorConfig.defaults()), values);
        assertEquals(List.of(burst), alertsBetween(v, 0, v.size()), "six deadlocks in a minute: " + v.get(burst));
    }

    @Test
    void theFirstRareEventIsNotAnAlertButAStormIs() {
        // checkpoints_requested: zero for days, then a single one, then a storm of 4 a minute for 10 minutes
        double[] values = new double[6 * DAY];
        int single = 3 * DAY;
        int storm = 5 * DAY;
        values[single] = 1;
        for (int i = storm; i < storm + 10; i++) {
            values[i] = 4;
        }
        List<Verdict> v = run(new SeriesDetector(DetectorConfig.defaults()), values);
        assertEquals(List.of(storm), alertsBetween(v, 0, v.size()), "single at " + v.get(single) + ", storm at " + v.get(storm));
    }

    @Test
    void aSmallWholeNumberGaugeDoesNotAlertOnItsWobbleButOnALeak() {
        // connections: 4 to 6 most of the time, then a leak adds one every 3 minutes
        SplittableRandom random = new SplittableRandom(3);
        double[] values = new double[9 * DAY];
        int leak = 8 * DAY;
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.max(0, Math.round(5 + 0.7 * gaussian(random))) + (i >= leak ? (i - leak) / 3 : 0);
        }
        List<Verdict> v = run(new SeriesDetector(DetectorConfig.defaults()), values);
        assertEquals(List.of(), alertsBetween(v, 0, leak), "alerts on a gauge wobbling between 4 and 6");
        List<Integer> after = alertsBetween(v, leak, v.size());
        assertFalse(after.isEmpty(), "no alert on the leak");
        assertTrue(after.get(0) <= leak + 30, "leak at " + leak + " first alerted at " + after.get(0));
    }

    @Test
    void aRatioNearOneDoesNotAlertOnItsNoiseButOnADrop() {
        // cache_hit_ratio: 0.999 with noise, at most 1; then 15 minutes at 0.97
        SplittableRandom random = new SplittableRandom(4);
        double[] values = new double[8 * DAY];
        int drop = 7 * DAY + 300;
        for (int i = 0; i < values.length; i++) {
            values[i] = i >= drop && i < drop + 15 ? 0.97 : Math.min(1, 0.999 + 0.0003 * gaussian(random));
        }
        List<Verdict> v = run(new SeriesDetector(DetectorConfig.defaults()), values);
        assertEquals(List.of(drop), alertsBetween(v, 0, v.size()), "drop at " + v.get(drop));
    }

    @Test
    void aNearConstantSeriesAlertsOnlyOnARealChange() {
        // autovacuum_workers on a quiet instance: 0 for days, then one worker for 20 minutes;
        // host_memory_used_ratio-like: 1000 with float jitter, then 1000.4, then 1500
        double[] workers = new double[4 * DAY];
        for (int i = 3 * DAY; i < 3 * DAY + 20; i++) {
            workers[i] = 1;
        }
        List<Verdict> a = run(new SeriesDetector(DetectorConfig.defaults()), workers);
        assertEquals(List.of(), alertsBetween(a, 0, a.size()), "0 then one worker: " + a.get(3 * DAY));

        double[] flat = new double[5 * DAY];
        for (int i = 0; i < flat.length; i++) {
            flat[i] = (i >= 4 * DAY ? 1500 : i >= 3 * DAY ? 1000.4 : 1000) + (i % 7) * 1e-9;
        }
        List<Verdict> b = run(new SeriesDetector(DetectorConfig.defaults()), flat);
        assertEquals(List.of(4 * DAY), alertsBetween(b, 0, b.size()), "1000 -> 1000.4 -> 1500");
    }

    /** tps: a daily cycle between 150 and 250 with noise of sigma 5. */
    private static double tps(int i, SplittableRandom random) {
        return 200 + 50 * Math.sin(2 * Math.PI * i / DAY) + 5 * gaussian(random);
    }

    @Test
    void aRestartIsAtMostOneAlertAndNothingAfter() {
        // a PostgreSQL restart: the counters' reset drops one interval (a missing point), the next one is 0
        SplittableRandom random = new SplittableRandom(5);
        int restart = 5 * DAY + 600;
        List<Long> times = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < 7 * DAY; i++) {
            if (i == restart) {
                continue;
            }
            times.add(START + (long) STEP * i);
            values.add(i == restart + 1 ? 0 : tps(i, random));
        }
        List<Verdict> v = run(new SeriesDetector(DetectorConfig.defaults()),
                times.stream().mapToLong(Long::longValue).toArray(), values.stream().mapToDouble(Double::doubleValue).toArray());
        int at = restart; // index of the zero point, the missing one being skipped
        assertTrue(alertsBetween(v, at, at + 60).size() <= 1, "restart alerts " + alertsBetween(v, at, at + 60));
        assertEquals(List.of(), alertsBetween(v, at + 60, v.size()), "alerts after the restart");
        assertEquals(List.of(), alertsBetween(v, 2 * DAY, at), "alerts before the restart");
    }

    @Test
    void irregularIntervalsAndMissingPointsRaiseNoAlarm() {
        SplittableRandom random = new SplittableRandom(6);
        List<Long> times = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < 10 * DAY; i++) {
            if (random.nextInt(10) == 0) {
                continue; // one point in ten missing
            }
            times.add(START + (long) STEP * i + random.nextInt(31) - 15); // 45 to 75 s apart
            values.add(tps(i, random));
        }
        List<Verdict> v = run(new SeriesDetector(DetectorConfig.defaults()),
                times.stream().mapToLong(Long::longValue).toArray(), values.stream().mapToDouble(Double::doubleValue).toArray());
        assertEquals(List.of(), alertsBetween(v, 2 * DAY, v.size()), "alerts on a jittered series with points missing");
    }

    /** A collector outage of {@code hours} after {@code days} days of tps: the points after it, 2 days of them. */
    private static List<Verdict> afterOutage(int days, int hours, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Long> times = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        int outage = days * DAY;
        for (int i = 0; i < outage + hours * 60 + 2 * DAY; i++) {
            double value = tps(i, random);
            if (i < outage || i >= outage + hours * 60) {
                times.add(START + (long) STEP * i);
                values.add(value);
            }
        }
        List<Verdict> v = run(new SeriesDetector(DetectorConfig.defaults()),
                times.stream().mapToLong(Long::longValue).toArray(), values.stream().mapToDouble(Double::doubleValue).toArray());
        return v.subList(outage, v.size());
    }

    @Test
    void aLongOutageWithTheSeasonLearntRaisesNoBurstOfAlarms() {
        List<Verdict> after = afterOutage(4, 7, 7);
        assertEquals(List.of(), alertsBetween(after, 0, after.size()), "alerts in the two days after a 7 h outage");
    }

    @Test
    void aLongOutageBeforeTheSeasonIsLearntRaisesNoBurstOfAlarms() {
        // the outage ends 9 hours later in the daily cycle, where the level before it says nothing
        List<Verdict> after = afterOutage(1, 9, 8);
        assertEquals(List.of(), alertsBetween(after, 0, DetectorConfig.defaults().window()),
                "alerts in the first window of points after a 9 h outage on day 2");
        assertTrue(after.get(0).learning(), "the first point after a long gap re-learns the level: " + after.get(0));
    }
}
