package io.pganalytics.server.anomaly;

import com.zaxxer.hikari.HikariDataSource;
import io.pganalytics.common.anomaly.AnomalyView;
import io.pganalytics.server.cluster.ClusterModule;
import io.pganalytics.server.testing.Eventually;
import io.pganalytics.server.testing.HazelcastMembers;
import io.pganalytics.server.testing.ManualClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.pganalytics.server.anomaly.ScorerFixture.at;
import static io.pganalytics.server.anomaly.ScorerFixture.point;
import static io.pganalytics.server.anomaly.ScorerFixture.rows;
import static io.pganalytics.server.anomaly.ScorerFixture.steady;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two Hazelcast members: every instance is scored by its partition owner only; a takeover resumes from the checkpoint. */
class AnomalyScorerTwoNodeTest {
    private static HikariDataSource db;
    private static ClusterModule a;
    private static ClusterModule b;
    private final ManualClock clock = new ManualClock(at(1000));
    private final ScorerFixture.ListPoints points = new ScorerFixture.ListPoints();
    private final ScorerFixture.TestTuning tuning = new ScorerFixture.TestTuning();
    private final List<AnomalyView> events = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        db = ScorerFixture.database("anomaly_two_nodes");
        HazelcastMembers members = new HazelcastMembers(2);
        a = members.start(0, 1);
        b = members.start(1, 2);
    }

    @AfterAll
    static void stop() {
        a.close();
        b.close();
        db.close();
    }

    @Test
    void eachInstanceIsScoredByExactlyOneNodeAndTheOtherTakesOverFromTheCheckpoint() throws Exception {
        AnomalyScorer onA = ScorerFixture.scorer(db, a.hazelcast(), clock, points, tuning, events, AnomalyConfig.defaults());
        AnomalyScorer onB = ScorerFixture.scorer(db, b.hazelcast(), clock, points, tuning, events, AnomalyConfig.defaults());
        onA.listen();
        onB.listen();
        long[] ids = new long[20];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = ScorerFixture.instance(db, "fleet-" + i);
            points.add(ids[i], "tps", steady(0, 200, i));
        }
        onA.notifyStored(ids); // the ingesting node publishes; each owner marks its own
        Eventually.await(Duration.ofSeconds(30), "both nodes scored the instances they own", () -> {
            try {
                onA.round();
                onB.round();
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
            return onA.loaded().size() + onB.loaded().size() == ids.length;
        });
        Set<Long> both = new HashSet<>(onA.loaded());
        both.retainAll(onB.loaded());
        assertEquals(Set.of(), both, "no instance scored by both");
        assertTrue(!onA.loaded().isEmpty() && !onB.loaded().isEmpty(), "both nodes own some: " + onA.loaded() + " / " + onB.loaded());

        // B stops: it checkpoints what it owns; a spike arrives after that checkpoint; A takes over and still detects it
        long taken = onB.loaded().iterator().next();
        int takenIndex = java.util.stream.LongStream.range(0, ids.length).filter(i -> ids[(int) i] == taken).mapToObj(i -> (int) i)
                .findFirst().orElseThrow();
        onB.close();
        b.close();
        assertEquals(List.of(List.of(at(199))), rows(db, "SELECT last_point_at FROM anomaly_detector_state WHERE instance_id = ?", taken));
        points.add(taken, "tps", steady(200, 100, takenIndex));
        points.add(taken, "tps", List.of(point(300, 200)));
        points.add(taken, "tps", steady(301, 5, takenIndex));
        Eventually.await(Duration.ofSeconds(60), "A owns the instance B owned", () -> onA.owns(taken));
        onA.markDirty(taken);
        onA.round();
        List<List<Object>> found = rows(db, "SELECT state, started_at FROM anomaly WHERE instance_id = ?", taken);
        assertEquals(List.of(List.of("open", at(300))), found);
        assertEquals(List.of(List.of(306L)), rows(db, "SELECT points FROM anomaly_detector_state WHERE instance_id = ?", taken),
                "A resumed from B's checkpoint (200 points) and scored the 106 after it: the spike's row changed, so checkpointed there");
        onA.close();
    }
}
