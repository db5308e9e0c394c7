package io.pganalytics.server.anomaly;

import com.zaxxer.hikari.HikariDataSource;
import io.pganalytics.common.anomaly.AnomalyView;
import io.pganalytics.server.cluster.ClusterModule;
import io.pganalytics.server.testing.HazelcastMembers;
import io.pganalytics.server.testing.ManualClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.pganalytics.server.anomaly.ScorerFixture.at;
import static io.pganalytics.server.anomaly.ScorerFixture.point;
import static io.pganalytics.server.anomaly.ScorerFixture.rows;
import static io.pganalytics.server.anomaly.ScorerFixture.steady;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scorer on one member against a real database: episodes, learning, idempotence, exclusions, sensitivity, bands. */
class AnomalyScorerTest {
    private static HikariDataSource db;
    private static ClusterModule member;
    private final ManualClock clock = new ManualClock(at(1000));
    private final ScorerFixture.ListPoints points = new ScorerFixture.ListPoints();
    private final ScorerFixture.TestTuning tuning = new ScorerFixture.TestTuning();
    private final List<AnomalyView> events = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        db = ScorerFixture.database("anomaly_scorer");
        member = HazelcastMembers.single();
    }

    @AfterAll
    static void stop() {
        member.close();
        db.close();
    }

    private AnomalyScorer scorer() {
        return ScorerFixture.scorer(db, member.hazelcast(), clock, points, tuning, events, AnomalyConfig.defaults());
    }

    private static void score(AnomalyScorer scorer, long id) throws Exception {
        scorer.markDirty(id);
        scorer.round();
    }

    private static List<List<Object>> anomalies(long id) throws Exception {
        return rows(db, "SELECT state, kind, started_at, ended_at, points, hints::text FROM anomaly WHERE instance_id = ? ORDER BY id", id);
    }

    @Test
    void aSpikeOpensOneAnomalyThatClosesAfterQuietPoints() throws Exception {
        long id = ScorerFixture.instance(db, "spike");
        points.add(id, "tps", steady(0, 300, 1));
        points.add(id, "tps", List.of(point(300, 200)));
        points.add(id, "tps", steady(301, 5, 1));
        AnomalyScorer scorer = scorer();
        score(scorer, id);
        List<List<Object>> open = anomalies(id);
        assertEquals(1, open.size(), "one anomaly: " + open);
        assertEquals("open", open.getFirst().get(0));
        assertEquals("spike", open.getFirst().get(1));
        assertEquals(at(300), open.getFirst().get(2));
        assertTrue(open.getFirst().get(5).toString().contains("series:tps"), "hints stored: " + open.getFirst().get(5));

        points.add(id, "tps", steady(306, 60, 1));
        score(scorer, id);
        List<List<Object>> closed = anomalies(id);
        assertEquals(1, closed.size(), "still one anomaly: " + closed);
        assertEquals("closed", closed.getFirst().get(0));
        assertEquals(at(300), closed.getFirst().get(3), "ended at its last anomalous point");
        assertTrue(events.stream().anyMatch(e -> e.state().equals("open") && e.instanceName().equals("spike")
                && e.label().equals("label of tps")), "an open event: " + events);
        assertTrue(events.stream().anyMatch(e -> e.state().equals("closed")), "a closed event: " + events);
    }

    @Test
    void learningFlagsNothing() throws Exception {
        long id = ScorerFixture.instance(db, "learning");
        points.add(id, "tps", steady(0, 60, 2));
        points.add(id, "tps", List.of(point(60, 1000)));
        points.add(id, "tps", steady(61, 30, 2));
        AnomalyScorer scorer = scorer();
        score(scorer, id);
        assertEquals(List.of(), anomalies(id));
        assertEquals(List.of(), rows(db, "SELECT hour FROM anomaly_band WHERE instance_id = ?", id), "no band while learning");
        // 91 of the 120 points learnt, a point a minute: 29 minutes to go after the last one
        assertEquals(java.util.Optional.of(new io.pganalytics.server.anomaly.api.LearningStatus(1, 1, at(90 + 29))), scorer.learning(id));
    }

    @Test
    void theSweepScoresAnInstanceCollectedAfterWhatWasScoredWithoutANotice() throws Exception {
        long id = ScorerFixture.instance(db, "swept");
        points.add(id, "tps", steady(0, 300, 8));
        points.add(id, "tps", List.of(point(300, 200)));
        ScorerFixture.execute(db, "UPDATE monitored_instance SET last_collected_at = ? WHERE id = ?", java.sql.Timestamp.from(at(300)), id);
        scorer().round(); // no markDirty: the first round sweeps
        assertEquals(1, anomalies(id).size());
    }

    @Test
    void reScoringAfterARestoreFromAnOlderCheckpointMakesNoDuplicate() throws Exception {
        long id = ScorerFixture.instance(db, "rescore");
        points.add(id, "tps", steady(0, 300, 3));
        AnomalyScorer first = scorer();
        score(first, id);
        first.close(); // checkpoint at point 299
        List<List<Object>> checkpoint = rows(db, "SELECT snapshot, last_point_at, points FROM anomaly_detector_state WHERE instance_id = ?", id);
        assertEquals(1, checkpoint.size());

        points.add(id, "tps", List.of(point(300, 200)));
        points.add(id, "tps", steady(301, 3, 3));
        AnomalyScorer second = scorer();
        score(second, id);
        second.close();
        assertEquals(1, anomalies(id).size());

        // the next owner finds the older checkpoint (the node died before it wrote a newer one) and scores the spike again
        restore(id, checkpoint.getFirst());
        AnomalyScorer third = scorer();
        score(third, id);
        assertEquals(1, anomalies(id).size(), "no second row: " + anomalies(id));
        points.add(id, "tps", steady(304, 60, 3));
        score(third, id);
        third.close();
        assertEquals("closed", anomalies(id).getFirst().get(0));

        // and once more after it closed: the closed row covers the spike
        restore(id, checkpoint.getFirst());
        AnomalyScorer fourth = scorer();
        score(fourth, id);
        fourth.close();
        assertEquals(1, anomalies(id).size(), "no second row after close: " + anomalies(id));
    }

    private static void restore(long id, List<Object> checkpoint) throws Exception {
        ScorerFixture.execute(db, "UPDATE anomaly_detector_state SET snapshot = ?, last_point_at = ?, points = ? WHERE instance_id = ? AND series = 'tps'",
                checkpoint.get(0), java.sql.Timestamp.from((Instant) checkpoint.get(1)), checkpoint.get(2), id);
    }

    @Test
    void exclusionsSuppressTheSpike() throws Exception {
        long id = ScorerFixture.instance(db, "excluded");
        points.add(id, "tps", steady(0, 300, 4));
        points.add(id, "tps", List.of(point(300, 200)));
        points.add(id, "tps", steady(301, 60, 4));
        tuning.exclusions.add(new Instant[]{at(299), at(302)});
        score(scorer(), id);
        assertEquals(List.of(), anomalies(id));
    }

    @Test
    void highSensitivityFlagsMoreThanLow() throws Exception {
        List<Integer> counts = new ArrayList<>();
        for (double factor : new double[]{1.5, 1.0, 0.75}) {
            long id = ScorerFixture.instance(db, "sensitivity-" + factor);
            tuning.factors.put(id, factor);
            points.add(id, "tps", graded(5));
            score(scorer(), id);
            counts.add(anomalies(id).size());
        }
        assertTrue(counts.get(0) < counts.get(2) && counts.get(0) <= counts.get(1) && counts.get(1) <= counts.get(2),
                "anomalies at low, normal, high sensitivity: " + counts);
    }

    /** Steady noise with spikes of growing size (3.5 to 9 sigmas) every 60 points after learning. */
    private static List<io.pganalytics.server.anomaly.PointSource.Point> graded(long seed) {
        List<io.pganalytics.server.anomaly.PointSource.Point> out = new ArrayList<>(steady(0, 600, seed));
        double[] sigmas = {3.5, 5, 7, 9};
        for (int k = 0; k < sigmas.length; k++) {
            int index = 300 + 60 * k;
            out.set(index, point(index, 100 + 2 * sigmas[k] * 1.4826));
        }
        return out;
    }

    @Test
    void bandsAreWrittenForScoredPoints() throws Exception {
        long id = ScorerFixture.instance(db, "bands");
        points.add(id, "tps", steady(0, 300, 6));
        score(scorer(), id);
        // learning ends at point 120 (2026-11-02T02:00): that hour has all 60 minutes, the first hour none (no row)
        List<List<Object>> band = rows(db, """
                SELECT hour, array_length(array_remove(expected, NULL), 1), lower_bound[1] < expected[1], expected[1] < upper_bound[1]
                FROM anomaly_band WHERE instance_id = ? AND series = 'tps' ORDER BY hour""", id);
        assertEquals(3, band.size(), "hours 02:00 to 04:00: " + band);
        assertEquals(at(120), band.getFirst().get(0));
        assertEquals(60, band.getFirst().get(1));
        assertEquals(true, band.getFirst().get(2));
        assertEquals(true, band.getFirst().get(3));
    }

    @Test
    void housekeepingDeletesOldAnomaliesAndBands() throws Exception {
        long id = ScorerFixture.instance(db, "housekeeping");
        Duration minute = ScorerFixture.maintenance().retention().minute();
        Instant old = clock.instant().minus(minute).minus(Duration.ofDays(1));
        Instant recent = clock.instant().minus(Duration.ofDays(1));
        for (Instant t : List.of(old, recent)) {
            ScorerFixture.execute(db, """
                    INSERT INTO anomaly (instance_id, series, kind, severity, state, started_at, ended_at, peak_at, score,
                        created_at, updated_at) VALUES (?, 'tps', 'spike', 'warning', 'closed', ?, ?, ?, 5, now(), now())""",
                    id, java.sql.Timestamp.from(t), java.sql.Timestamp.from(t), java.sql.Timestamp.from(t));
        }
        ScorerFixture.execute(db, "INSERT INTO anomaly_feedback (anomaly_id, verdict, user_id, created_at) "
                + "SELECT id, 'real', 'u1', now() FROM anomaly WHERE instance_id = ?", id);
        Instant oldHour = clock.instant().minus(Duration.ofDays(15)).truncatedTo(java.time.temporal.ChronoUnit.HOURS);
        Instant recentHour = clock.instant().minus(Duration.ofDays(1)).truncatedTo(java.time.temporal.ChronoUnit.HOURS);
        for (Instant hour : List.of(oldHour, recentHour)) {
            ScorerFixture.execute(db, "INSERT INTO anomaly_band VALUES (?, 'tps', ?, '{}', '{}', '{}')", id, java.sql.Timestamp.from(hour));
        }
        AnomalyHousekeeping housekeeping = new AnomalyHousekeeping(db, new io.pganalytics.server.cluster.JobLeases(member.hazelcast(),
                Duration.ofSeconds(30)), ScorerFixture.maintenance(), AnomalyConfig.defaults(), clock);
        AnomalyHousekeeping.Report report = housekeeping.runOnce().orElseThrow();
        assertEquals(1, report.anomalies());
        assertEquals(1, report.bands());
        assertEquals(List.of(List.of(recent)), rows(db, "SELECT started_at FROM anomaly WHERE instance_id = ?", id));
        assertEquals(1, rows(db, "SELECT 1 FROM anomaly_feedback f JOIN anomaly a ON a.id = f.anomaly_id WHERE a.instance_id = ?", id).size());
        assertEquals(List.of(List.of(recentHour)), rows(db, "SELECT hour FROM anomaly_band WHERE instance_id = ?", id));
    }

    @Test
    void backfillScoresHistoryOnceAndEndsInACheckpoint() throws Exception {
        long id = ScorerFixture.instance(db, "backfill");
        points.add(id, "tps", steady(0, 300, 7));
        points.add(id, "tps", List.of(point(300, 200)));
        points.add(id, "tps", steady(301, 100, 7));
        AnomalyScorer scorer = scorer();
        try (Connection c = db.getConnection()) {
            assertEquals(401, scorer.backfill(c, id, at(-1), at(400)));
            assertEquals(401, scorer.backfill(c, id, at(-1), at(400)), "a second backfill scores the same points");
        }
        List<List<Object>> found = anomalies(id);
        assertEquals(1, found.size(), "one anomaly however often history is scored: " + found);
        assertEquals(at(300), found.getFirst().get(2));
        assertEquals(List.of(List.of(at(400))), rows(db, "SELECT last_point_at FROM anomaly_detector_state WHERE instance_id = ? AND series = 'tps'", id));
    }
}
