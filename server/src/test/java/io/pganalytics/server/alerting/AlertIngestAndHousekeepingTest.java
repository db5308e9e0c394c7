package io.pganalytics.server.alerting;

import com.zaxxer.hikari.HikariDataSource;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.pganalytics.common.alerting.AlertEvent;
import io.pganalytics.common.alerting.Condition;
import io.pganalytics.common.alerting.RuleScope;
import io.pganalytics.server.cluster.ClusterModule;
import io.pganalytics.server.cluster.JobLeases;
import io.pganalytics.server.ingest.InstanceUpdate;
import io.pganalytics.server.ingest.StoredBatch;
import io.pganalytics.server.metrics.MetricsRegistry;
import io.pganalytics.server.testing.Eventually;
import io.pganalytics.server.testing.HazelcastMembers;
import io.pganalytics.server.testing.ManualClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.pganalytics.server.alerting.EngineFixture.BASE;
import static io.pganalytics.server.alerting.EngineFixture.execute;
import static io.pganalytics.server.alerting.EngineFixture.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Ingest-triggered rounds (long before the next full round) and the retention of alerting's history. */
class AlertIngestAndHousekeepingTest {
    private static HikariDataSource db;
    private static ClusterModule member;

    @BeforeAll
    static void start() {
        db = EngineFixture.database("alert_ingest");
        member = HazelcastMembers.single();
    }

    @AfterAll
    static void stop() {
        member.close();
        db.close();
    }

    @Test
    void ingestOfAnInstanceEvaluatesItsRulesWithinTheIngestDelay() throws Exception {
        ManualClock clock = new ManualClock(BASE);
        AlertingConfig config = AlertingConfig.from(Config.just(ConfigSources.create(Map.of("alerting.evaluation-interval", "10m",
                "alerting.ingest-delay", "200ms"))).get("alerting"));
        List<AlertEvent> events = new CopyOnWriteArrayList<>();
        AlertingFeature alerting = EngineFixture.feature(db, member.hazelcast(), clock, new EngineFixture.HostLoadSignals(),
                (at, id, labels) -> List.of(), new EngineFixture.RecordingNotifier(), events, new MetricsRegistry(), config);
        long db1 = EngineFixture.instance(db, "ingested-db1");
        long rule = EngineFixture.insertRule(db, EngineFixture.rule("IngestLoad", Condition.threshold("host_load1", ">", 5), "0s",
                new RuleScope(List.of(db1), Map.of()), null));
        alerting.start();
        Eventually.await(Duration.ofSeconds(30), "the first full round", () -> alerting.roundsRun() >= 1);
        clock.advance(Duration.ofMinutes(1));
        EngineFixture.load(db, db1, clock.instant(), 9);
        alerting.ingestListener().stored(new StoredBatch("c1", "1", "b1", clock.instant(), Map.of("host_load", 1),
                List.of(new InstanceUpdate(db1, "ingested-db1", clock.instant(), List.of("host_load"), Map.of(), Map.of()))));
        Eventually.await(Duration.ofSeconds(20), "the rule fired after ingest, before the next full round (10 minutes)",
                () -> count("SELECT id FROM alert WHERE state = 'firing' AND rule_id = " + rule) == 1);
        alerting.close();
    }

    @Test
    void housekeepingDeletesResolvedHistoryPastRetentionOnly() throws Exception {
        long db1 = EngineFixture.instance(db, "old-db1");
        long rule = EngineFixture.insertRule(db, EngineFixture.rule("OldLoad", Condition.threshold("host_load1", ">", 5), "0s",
                new RuleScope(List.of(db1), Map.of()), null));
        Timestamp old = Timestamp.from(BASE.minus(Duration.ofDays(100)));
        Timestamp recent = Timestamp.from(BASE.minus(Duration.ofDays(1)));
        for (Timestamp at : List.of(old, recent)) {
            execute(db, """
                    INSERT INTO alert_incident (group_key, instance_id, state, severity, title, opened_at, resolved_at)
                    VALUES ('old:' || ?::text, ?, 'resolved', 'warning', 't', ?, ?)""", at.toString(), db1, at, at);
            execute(db, """
                    INSERT INTO alert (rule_id, instance_id, fingerprint, state, severity, labels, summary, pending_since, fired_at,
                                       resolved_at, last_evaluated_at, incident_id)
                    VALUES (?, ?, md5(?::text), 'resolved', 'warning', '{}', 's', ?, ?, ?, ?,
                            (SELECT id FROM alert_incident WHERE group_key = 'old:' || ?::text))""",
                    rule, db1, at.toString(), at, at, at, at, at.toString());
            execute(db, """
                    INSERT INTO alert_notification (dedup_key, incident_id, event, payload, state, next_attempt_at, created_at)
                    VALUES ('k' || ?::text, (SELECT id FROM alert_incident WHERE group_key = 'old:' || ?::text), 'firing', '{}', 'sent', ?, ?)""",
                    at.toString(), at.toString(), at, at);
        }
        ManualClock clock = new ManualClock(BASE);
        JobLeases leases = new JobLeases(member.hazelcast(), Duration.ofSeconds(30));
        AlertHousekeeping housekeeping = new AlertHousekeeping(db, leases, EngineFixture.maintenance(), AlertingConfig.defaults(), clock);
        AlertHousekeeping.Report report = housekeeping.runOnce().orElseThrow();
        assertEquals(new AlertHousekeeping.Report(1, 1, 1), report, "the 100-day-old alert, incident and notification (retention 90d)");
        assertEquals(1, count("SELECT id FROM alert WHERE rule_id = " + rule));
        assertEquals(1, count("SELECT id FROM alert_incident WHERE group_key LIKE 'old:%'"));
        leases.close();
    }

    private static int count(String sql) {
        try {
            return rows(db, sql).size();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
