package io.pganalytics.server.alerting;

import com.zaxxer.hikari.HikariDataSource;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.pganalytics.common.alerting.AlertEvent;
import io.pganalytics.common.alerting.Condition;
import io.pganalytics.common.alerting.RuleScope;
import io.pganalytics.server.cluster.ClusterModule;
import io.pganalytics.server.metrics.MetricsRegistry;
import io.pganalytics.server.testing.Eventually;
import io.pganalytics.server.testing.HazelcastMembers;
import io.pganalytics.server.testing.ManualClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.pganalytics.server.alerting.EngineFixture.BASE;
import static io.pganalytics.server.alerting.EngineFixture.load;
import static io.pganalytics.server.alerting.EngineFixture.rows;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A node dies with a long evaluation interval (10 minutes) and no ingest notice: the survivor still takes its rules over
 * within seconds (rounds after a member leaves), not at its next full round.
 */
class AlertTakeoverTest {
    private static HikariDataSource db;
    private static ClusterModule a;
    private static ClusterModule b;

    @BeforeAll
    static void start() {
        db = EngineFixture.database("alert_takeover");
        HazelcastMembers members = new HazelcastMembers(2);
        a = members.start(0, 1);
        b = members.start(1, 2);
    }

    @AfterAll
    static void stop() {
        a.close();
        db.close();
    }

    @Test
    void survivorResolvesTheDeadOwnersAlertsWithinSecondsOfItsDeath() throws Exception {
        AlertingConfig config = AlertingConfig.from(Config.just(ConfigSources.create(Map.of("alerting.evaluation-interval", "10m")))
                .get("alerting"));
        ManualClock clock = new ManualClock(BASE);
        List<AlertEvent> events = new CopyOnWriteArrayList<>();
        AlertingFeature onA = EngineFixture.feature(db, a.hazelcast(), clock, new EngineFixture.HostLoadSignals(), (at, id, l) -> List.of(),
                new EngineFixture.RecordingNotifier(), events, new MetricsRegistry(), config);
        AlertingFeature onB = EngineFixture.feature(db, b.hazelcast(), clock, new EngineFixture.HostLoadSignals(), (at, id, l) -> List.of(),
                new EngineFixture.RecordingNotifier(), events, new MetricsRegistry(), config);
        List<Long> instances = new ArrayList<>();
        List<Long> rules = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            long instance = EngineFixture.instance(db, "takeover-" + i);
            instances.add(instance);
            rules.add(EngineFixture.insertRule(db, EngineFixture.rule("Takeover" + i, Condition.threshold("host_load1", ">", 5), "0s",
                    new RuleScope(List.of(instance), Map.of()), null)));
            load(db, instance, clock.instant(), 9);
        }
        assertFalse(rules.stream().filter(onB::owns).toList().isEmpty(), "B owns some rules");
        onA.start();
        onB.start();
        Eventually.await(Duration.ofSeconds(30), "every alert fires (the first full rounds)", () -> count("state = 'firing'") == 8);
        clock.advance(Duration.ofMinutes(1));
        for (long instance : instances) {
            load(db, instance, clock.instant(), 1); // no ingest notice: only a round finds it
        }
        b.hazelcast().getLifecycleService().terminate();
        onB.close();
        // the next full round is 10 minutes away: only the rounds after B left evaluate, B's rules with A's
        Eventually.await(Duration.ofSeconds(30), "A took B's rules over and resolved every alert",
                () -> rules.stream().allMatch(onA::owns) && count("state = 'resolved'") == 8);
        onA.close();
    }

    private static int count(String where) {
        try {
            return rows(db, "SELECT id FROM alert WHERE " + where).size();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
