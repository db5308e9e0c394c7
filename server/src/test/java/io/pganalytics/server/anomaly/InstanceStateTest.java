package io.pganalytics.server.anomaly;

import io.pganalytics.analytics.anomaly.DetectorConfig;
import io.pganalytics.analytics.anomaly.SeriesDetector;
import io.pganalytics.analytics.anomaly.Verdict;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How an instance's series are judged: levels with a floor of a few percent, ratios with the detector's own. */
class InstanceStateTest {
    private static final long START = Instant.parse("2026-12-01T00:00:00Z").getEpochSecond();

    @Test
    void aSmallMoveOfAQuietLevelIsNotAnAnomalyButASmallDropOfARatioIs() {
        InstanceState state = new InstanceState(1, "db1", DetectorConfig.defaults(), 1.0, Instant.ofEpochSecond(START));
        SeriesDetector tps = state.series("tps").detector;
        SeriesDetector hits = state.series("cache_hit_ratio").detector;
        Random random = new Random(7);
        long t = START;
        for (int i = 0; i < 600; i++, t += 60) {
            tps.observe(t, 100 + random.nextGaussian() * 0.2);
            hits.observe(t, 0.999 + random.nextGaussian() * 0.0002);
        }
        Verdict smallMove = tps.observe(t, 106);
        Verdict ratioDrop = hits.observe(t, 0.97);
        assertFalse(smallMove.anomalous(), "tps 100 -> 106 is within 8 % of its level: " + smallMove);
        assertTrue(ratioDrop.anomalous(), "cache hits 99.9 % -> 97 % is news: " + ratioDrop);
        Verdict bigMove = tps.observe(t + 60, 160);
        assertTrue(bigMove.anomalous(), "tps 100 -> 160 is: " + bigMove);
    }

    @Test
    void aSensitivityChangeKeepsEachSeriesFloor() {
        InstanceState state = new InstanceState(1, "db1", DetectorConfig.defaults(), 1.0, Instant.ofEpochSecond(START));
        state.series("tps");
        state.series("cache_hit_ratio");
        state.applyFactor(0.75);
        assertTrue(state.configFor("tps").relativeFloor() >= InstanceState.LEVEL_FLOOR);
        assertTrue(state.configFor("cache_hit_ratio").relativeFloor() < InstanceState.LEVEL_FLOOR);
        assertTrue(state.configFor("tps").threshold() < DetectorConfig.defaults().threshold());
    }
}
