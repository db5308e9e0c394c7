package io.pganalytics.server.anomaly;

import com.zaxxer.hikari.HikariDataSource;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.pganalytics.common.anomaly.AnomalyView;
import io.pganalytics.server.cluster.ClusterModule;
import io.pganalytics.server.ingest.InstanceUpdate;
import io.pganalytics.server.ingest.StoredBatch;
import io.pganalytics.server.metrics.MetricsRegistry;
import io.pganalytics.server.testing.Eventually;
import io.pganalytics.server.testing.HazelcastMembers;
import io.pganalytics.server.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.pganalytics.server.anomaly.ScorerFixture.at;
import static io.pganalytics.server.anomaly.ScorerFixture.point;
import static io.pganalytics.server.anomaly.ScorerFixture.rows;
import static io.pganalytics.server.anomaly.ScorerFixture.steady;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The feature wired behind its seams: a stored batch's notice reaches the scoring thread, which finds the spike. */
class AnomalyFeatureTest {

    @Test
    void aStoredBatchIsScoredByTheScoringThreadAndCounted() throws Exception {
        ManualClock clock = new ManualClock(at(1000));
        ScorerFixture.ListPoints points = new ScorerFixture.ListPoints();
        List<AnomalyView> events = new CopyOnWriteArrayList<>();
        MetricsRegistry metrics = new MetricsRegistry();
        // a sweep only once an hour: the notice is what triggers scoring here
        AnomalyConfig config = AnomalyConfig.from(Config.just(ConfigSources.create(Map.of(
                "anomaly.score-interval", "100ms", "anomaly.sweep-interval", "1h"))).get("anomaly"));
        try (HikariDataSource db = ScorerFixture.database("anomaly_feature"); ClusterModule member = HazelcastMembers.single()) {
            long id = ScorerFixture.instance(db, "wired");
            points.add(id, "tps", steady(0, 300, 9));
            points.add(id, "tps", List.of(point(300, 200)));
            try (AnomalyFeature feature = new AnomalyFeature(config, db, member.hazelcast(), "node-a", clock, metrics,
                    ScorerFixture.maintenance(), null, new AnomalyFeature.Seams(points, ScorerFixture.HINTS,
                    new ScorerFixture.TestTuning(), events::add))) {
                feature.start();
                feature.ingestListener().stored(new StoredBatch("c1", "1.0", "b1", clock.instant(), Map.of("database", 1),
                        List.of(new InstanceUpdate(id, "wired", at(300), List.of("database"), Map.of(), Map.of()))));
                Eventually.await(Duration.ofSeconds(30), "the spike's anomaly is live", () -> !events.isEmpty());
            }
            assertEquals(List.of(List.of("open", at(300))), rows(db, "SELECT state, started_at FROM anomaly WHERE instance_id = ?", id));
            String scrape = metrics.scrape();
            assertTrue(scrape.contains("pganalytics_anomaly_points_scored_total 301"), scrape);
            assertTrue(scrape.contains("pganalytics_anomaly_opened_total 1"), scrape);
            assertTrue(scrape.contains("pganalytics_anomaly_owned_instances 1"), scrape);
            assertEquals(List.of(List.of(at(300))), rows(db, "SELECT last_point_at FROM anomaly_detector_state WHERE instance_id = ?", id),
                    "checkpointed on close");
        }
    }
}
