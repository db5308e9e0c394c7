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
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two nodes evaluating on their own threads: each rule by its partition owner only; the owner is killed (no graceful
 * leave) while its alerts fire and while others are pending: the survivor takes its rules over and every alert is
 * notified exactly once when it fires and once when it resolves.
 */
class AlertFailoverTest {
    private static final int RULES = 12;
    private static HikariDataSource db;
    private static ClusterModule a;
    private static ClusterModule b;

    @BeforeAll
    static void start() {
        db = EngineFixture.database("alert_failover");
        HazelcastMembers members = new HazelcastMembers(2);
        a = members.start(0, 1);
        b = members.start(1, 2);
    }

    @AfterAll
    static void stop() {
        a.close();
        db.close();
    }

    private static AlertingConfig config() {
        return AlertingConfig.from(Config.just(ConfigSources.create(Map.of("alerting.evaluation-interval", "1s",
                "alerting.ingest-delay", "100ms"))).get("alerting"));
    }

    @Test
    void killingTheOwnerDuringFiringLeavesExactlyOneNotificationPerAlert() throws Exception {
        ManualClock clock = new ManualClock(BASE);
        List<AlertEvent> events = new CopyOnWriteArrayList<>();
        EngineFixture.RecordingNotifier notifier = new EngineFixture.RecordingNotifier();
        AlertingFeature onA = EngineFixture.feature(db, a.hazelcast(), clock, new EngineFixture.HostLoadSignals(), (at, id, l) -> List.of(),
                notifier, events, new MetricsRegistry(), config());
        AlertingFeature onB = EngineFixture.feature(db, b.hazelcast(), clock, new EngineFixture.HostLoadSignals(), (at, id, l) -> List.of(),
                notifier, events, new MetricsRegistry(), config());
        List<Long> instances = new ArrayList<>();
        List<Long> rules = new ArrayList<>();
        for (int i = 0; i < RULES; i++) {
            long instance = EngineFixture.instance(db, "fleet-" + i);
            instances.add(instance);
            // half fire at once, half after 2 minutes: the owner dies while some fire and others are pending
            rules.add(EngineFixture.insertRule(db, EngineFixture.rule("Load" + i, Condition.threshold("host_load1", ">", 5),
                    i % 2 == 0 ? "0s" : "2m", new RuleScope(List.of(instance), Map.of()), null)));
            load(db, instance, clock.instant(), 9);
        }
        List<Long> ownedByB = rules.stream().filter(onB::owns).toList();
        assertTrue(rules.stream().noneMatch(r -> onA.owns(r) && onB.owns(r)), "no rule owned by both");
        assertFalse(ownedByB.isEmpty(), "B owns some rules");
        assertTrue(rules.stream().anyMatch(onA::owns), "A owns some rules");

        onA.start();
        onB.start();
        Eventually.await(Duration.ofSeconds(30), "the 0s rules fire and the 2m rules are pending on both nodes",
                () -> count("SELECT id FROM alert WHERE state = 'firing'") == RULES / 2
                        && count("SELECT id FROM alert WHERE state = 'pending'") == RULES / 2);
        clock.advance(Duration.ofMinutes(1));
        for (long instance : instances) {
            load(db, instance, clock.instant(), 9);
        }

        b.hazelcast().getLifecycleService().terminate(); // a crash: B's rules move to A without a goodbye
        onB.close();
        clock.advance(Duration.ofMinutes(1).plusSeconds(10));
        for (long instance : instances) {
            load(db, instance, clock.instant(), 9);
        }
        Eventually.await(Duration.ofSeconds(60), "A took B's rules over and every alert fires",
                () -> rules.stream().allMatch(onA::owns) && count("SELECT id FROM alert WHERE state = 'firing'") == RULES);
        // more rounds on A: nothing is notified twice
        long rounds = roundsOf(onA);
        Eventually.await(Duration.ofSeconds(30), "two more rounds on A", () -> roundsOf(onA) >= rounds + 2);
        assertEquals(RULES, count("SELECT id FROM alert_notification WHERE event = 'firing'"), "one FIRING per alert");
        for (long instance : instances) {
            assertEquals(1, count("SELECT n.id FROM alert_notification n JOIN alert_incident i ON i.id = n.incident_id "
                    + "WHERE n.event = 'firing' AND i.instance_id = " + instance), "instance " + instance);
        }

        clock.advance(Duration.ofMinutes(1));
        for (long instance : instances) {
            load(db, instance, clock.instant(), 1);
        }
        Eventually.await(Duration.ofSeconds(30), "every alert resolved", () -> count("SELECT id FROM alert WHERE state = 'resolved'") == RULES);
        long after = roundsOf(onA);
        Eventually.await(Duration.ofSeconds(30), "two more rounds on A", () -> roundsOf(onA) >= after + 2);
        assertEquals(RULES, count("SELECT id FROM alert_notification WHERE event = 'resolved'"), "one RESOLVED per alert");
        assertEquals(2 * RULES, count("SELECT id FROM alert_notification"), "nothing else notified");
        assertEquals(RULES, count("SELECT id FROM alert"), "one alert row per rule and instance");
        onA.close();
    }

    private static long roundsOf(AlertingFeature feature) {
        return feature.roundsRun();
    }

    private static int count(String sql) {
        try {
            return rows(db, sql).size();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
