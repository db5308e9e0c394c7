package io.pganalytics.server.alerting;

import com.zaxxer.hikari.HikariDataSource;
import io.pganalytics.common.alerting.AlertEvent;
import io.pganalytics.common.alerting.AlertRule;
import io.pganalytics.common.alerting.Condition;
import io.pganalytics.common.alerting.Escalation;
import io.pganalytics.common.alerting.RuleScope;
import io.pganalytics.server.cluster.ClusterModule;
import io.pganalytics.server.metrics.MetricsRegistry;
import io.pganalytics.server.testing.HazelcastMembers;
import io.pganalytics.server.testing.ManualClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.pganalytics.server.alerting.EngineFixture.BASE;
import static io.pganalytics.server.alerting.EngineFixture.execute;
import static io.pganalytics.server.alerting.EngineFixture.load;
import static io.pganalytics.server.alerting.EngineFixture.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The evaluator on one node over a real database: the state machine, for, staleness, escalation, suppression, incidents. */
class AlertEvaluatorTest {
    private static HikariDataSource db;
    private static ClusterModule member;
    private final ManualClock clock = new ManualClock(BASE);
    private final EngineFixture.RecordingNotifier notifier = new EngineFixture.RecordingNotifier();
    private final List<AlertEvent> events = new CopyOnWriteArrayList<>();
    private final MetricsRegistry metrics = new MetricsRegistry();
    private AlertingFeature alerting;

    @BeforeAll
    static void start() {
        db = EngineFixture.database("alert_evaluator");
        member = HazelcastMembers.single();
    }

    @AfterAll
    static void stop() {
        member.close();
        db.close();
    }

    @BeforeEach
    void fresh() throws Exception {
        execute(db, "DELETE FROM alert_rule");
        alerting = EngineFixture.feature(db, member.hazelcast(), clock, new EngineFixture.HostLoadSignals(),
                new EngineFixture.TableSuppressions(db), notifier, events, metrics);
    }

    private long loadRule(String name, long instance, String forDuration, Escalation escalation) throws Exception {
        return EngineFixture.insertRule(db, EngineFixture.rule(name, Condition.threshold("host_load1", ">", 5), forDuration,
                new RuleScope(List.of(instance), Map.of()), escalation));
    }

    private void tick(long instance, double value) throws Exception {
        clock.advance(Duration.ofMinutes(1));
        load(db, instance, clock.instant(), value);
        alerting.evaluateNow(null);
    }

    private Map<String, Object> alert(long ruleId) throws Exception {
        List<Map<String, Object>> found = rows(db, "SELECT * FROM alert WHERE rule_id = ? ORDER BY id DESC", ruleId);
        return found.isEmpty() ? null : found.get(0);
    }

    private List<String> notified(long instance) throws Exception {
        return rows(db, """
                SELECT n.event FROM alert_notification n JOIN alert_incident i ON i.id = n.incident_id
                WHERE i.instance_id = ? ORDER BY n.id""", instance).stream().map(r -> (String) r.get("event")).toList();
    }

    @Test
    void thresholdAlertGoesPendingThenFiresAfterForThenResolvesWithItsIncident() throws Exception {
        long db1 = EngineFixture.instance(db, "pending-db1");
        long rule = loadRule("HighLoad", db1, "2m", null);
        tick(db1, 9);
        assertEquals("pending", alert(rule).get("state"), "true once: pending");
        tick(db1, 9);
        assertEquals("pending", alert(rule).get("state"), "true for 1 of 2 minutes: still pending");
        tick(db1, 9.5);
        Map<String, Object> firing = alert(rule);
        assertEquals("firing", firing.get("state"), "true for 2 minutes: firing");
        assertNotNull(firing.get("incident_id"));
        assertEquals(9.5, firing.get("value"));
        assertEquals("pending-db1: load 9.5", firing.get("summary"));
        Map<String, Object> incident = rows(db, "SELECT * FROM alert_incident WHERE id = ?", firing.get("incident_id")).get(0);
        assertEquals("open", incident.get("state"));
        assertEquals("instance:" + db1, incident.get("group_key"));
        tick(db1, 1);
        Map<String, Object> resolved = alert(rule);
        assertEquals("resolved", resolved.get("state"), "false once: resolved");
        assertNotNull(resolved.get("resolved_at"));
        Map<String, Object> resolvedIncident = rows(db, "SELECT state, severity FROM alert_incident WHERE id = ?", firing.get("incident_id")).get(0);
        assertEquals("resolved", resolvedIncident.get("state"));
        assertEquals("warning", resolvedIncident.get("severity"), "a resolved incident keeps the severity it had");
        assertEquals(List.of("firing", "resolved"), notified(db1));
        assertTrue(events.stream().anyMatch(e -> e.alert() != null && "firing".equals(e.alert().state())), "a live event of the firing");
    }

    @Test
    void pendingAlertThatTurnsFalseLeavesNoRowAndNotifiesNothing() throws Exception {
        long db1 = EngineFixture.instance(db, "flap-db1");
        long rule = loadRule("Flap", db1, "5m", null);
        tick(db1, 9);
        assertEquals("pending", alert(rule).get("state"));
        tick(db1, 2);
        assertNull(alert(rule), "a pending alert that turns false is deleted: it never fired");
        assertEquals(List.of(), notified(db1));
    }

    @Test
    void zeroForFiresAtOnce() throws Exception {
        long db1 = EngineFixture.instance(db, "now-db1");
        long rule = loadRule("Immediate", db1, "0s", null);
        tick(db1, 9);
        assertEquals("firing", alert(rule).get("state"));
        assertEquals(List.of("firing"), notified(db1));
    }

    @Test
    void staleSignalKeepsTheAlertFiring() throws Exception {
        long db1 = EngineFixture.instance(db, "stale-db1");
        long rule = loadRule("Stale", db1, "0s", null);
        tick(db1, 9);
        assertEquals("firing", alert(rule).get("state"));
        clock.advance(Duration.ofMinutes(10)); // the collector is late: no value newer than alerting.staleness (5m)
        alerting.evaluateNow(null);
        assertEquals("firing", alert(rule).get("state"), "a stale signal is neither true nor false");
        tick(db1, 1);
        assertEquals("resolved", alert(rule).get("state"), "a fresh false value resolves it");
    }

    @Test
    void escalationRaisesSeverityAfterItsDelayAndTellsEscalated() throws Exception {
        long db1 = EngineFixture.instance(db, "escalate-db1");
        long rule = loadRule("Escalating", db1, "0s", new Escalation("3m", null, AlertRule.CRITICAL));
        tick(db1, 9);
        Map<String, Object> fired = alert(rule);
        assertEquals("warning", fired.get("severity"));
        tick(db1, 9);
        tick(db1, 9);
        assertEquals("warning", alert(rule).get("severity"), "2 of 3 minutes: not yet");
        tick(db1, 9);
        Map<String, Object> escalated = alert(rule);
        assertEquals("critical", escalated.get("severity"));
        assertNotNull(escalated.get("escalated_at"));
        assertEquals(fired.get("id"), escalated.get("id"), "the same alert (fingerprint without severity)");
        assertEquals(fired.get("fingerprint"), escalated.get("fingerprint"));
        assertEquals("critical", rows(db, "SELECT severity FROM alert_incident WHERE id = ?", escalated.get("incident_id")).get(0).get("severity"));
        assertEquals(List.of("firing", "escalated"), notified(db1));
    }

    @Test
    void escalationAboveALevelRaisesAtOnce() throws Exception {
        long db1 = EngineFixture.instance(db, "above-db1");
        long rule = loadRule("Above", db1, "0s", new Escalation(null, 20.0, AlertRule.CRITICAL));
        tick(db1, 9);
        assertEquals("warning", alert(rule).get("severity"));
        tick(db1, 25);
        assertEquals("critical", alert(rule).get("severity"));
    }

    @Test
    void silencedAlertIsMarkedSuppressedRecordedAndNotifiedWhenTheSilenceEnds() throws Exception {
        long db1 = EngineFixture.instance(db, "silenced-db1");
        long rule = loadRule("Silenced", db1, "0s", null);
        execute(db, """
                INSERT INTO alert_silence (matchers, starts_at, ends_at, reason, created_by, created_at)
                VALUES (?::jsonb, ?, ?, 'upgrade', 'test', now())""", "[{\"label\":\"instance\",\"op\":\"=\",\"value\":\"silenced-db1\"}]",
                java.sql.Timestamp.from(BASE), java.sql.Timestamp.from(BASE.plus(Duration.ofMinutes(3)).plusSeconds(30)));
        tick(db1, 9);
        Map<String, Object> a = alert(rule);
        assertEquals("firing", a.get("state"), "a suppressed alert still fires and shows");
        assertEquals(true, a.get("suppressed"));
        assertEquals(true, a.get("was_suppressed"));
        assertNotNull(a.get("incident_id"), "it joins an incident");
        assertEquals(List.of(), notified(db1), "an incident whose firing alerts are all suppressed is not notified");
        tick(db1, 9);
        List<Map<String, Object>> recorded = rows(db, "SELECT * FROM alert_suppression WHERE alert_id = ?", a.get("id"));
        assertEquals(1, recorded.size());
        assertEquals("silence", recorded.get(0).get("kind"));
        assertTrue(((java.sql.Timestamp) recorded.get(0).get("last_at")).after((java.sql.Timestamp) recorded.get(0).get("first_at")));
        tick(db1, 9);
        tick(db1, 9); // past the silence's end
        Map<String, Object> after = alert(rule);
        assertEquals(false, after.get("suppressed"));
        assertEquals(true, after.get("was_suppressed"));
        assertEquals(List.of("firing"), notified(db1), "told FIRING once the suppression ends (it never notified)");
    }

    @Test
    void maintenanceWindowSuppressesTheInstancesAlerts() throws Exception {
        long db1 = EngineFixture.instance(db, "maint-db1");
        long rule = loadRule("Maint", db1, "0s", null);
        execute(db, """
                INSERT INTO alert_maintenance_window (name, scope, starts_at, ends_at, created_by, created_at, updated_at)
                VALUES ('patch', ?::jsonb, ?, ?, 'test', now(), now())""", "{\"instances\":[" + db1 + "]}",
                java.sql.Timestamp.from(BASE), java.sql.Timestamp.from(BASE.plus(Duration.ofHours(1))));
        tick(db1, 9);
        Map<String, Object> a = alert(rule);
        assertEquals(true, a.get("suppressed"));
        assertEquals("maintenance", rows(db, "SELECT kind FROM alert_suppression WHERE alert_id = ?", a.get("id")).get(0).get("kind"));
    }

    @Test
    void secondAlertJoinsTheOpenIncidentAndLastResolutionResolvesIt() throws Exception {
        long db1 = EngineFixture.instance(db, "storm-db1");
        long r1 = loadRule("StormOne", db1, "0s", null);
        long r2 = EngineFixture.insertRule(db, EngineFixture.rule("StormTwo", Condition.threshold("host_load1", ">", 20), "0s",
                new RuleScope(List.of(db1), Map.of()), null));
        tick(db1, 9);
        tick(db1, 25);
        assertEquals(alert(r1).get("incident_id"), alert(r2).get("incident_id"), "one incident for the instance's storm");
        tick(db1, 9);
        assertEquals("resolved", alert(r2).get("state"));
        assertEquals("open", rows(db, "SELECT state FROM alert_incident WHERE id = ?", alert(r1).get("incident_id")).get(0).get("state"));
        tick(db1, 1);
        assertEquals(List.of("firing", "updated", "updated", "resolved"), notified(db1));
    }

    @Test
    void absenceFiresWhenTheCollectorFallsSilent() throws Exception {
        long db1 = EngineFixture.instance(db, "silent-db1");
        long rule = EngineFixture.insertRule(db, EngineFixture.rule("CollectorSilent",
                new Condition(Condition.ABSENCE, "collected", null, null, "5m", null, null, null), "0s",
                new RuleScope(List.of(db1), Map.of()), null));
        tick(db1, 1);
        assertNull(alert(rule));
        clock.advance(Duration.ofMinutes(6));
        alerting.evaluateNow(null);
        assertEquals("firing", alert(rule).get("state"));
        assertNull(alert(rule).get("value"));
    }

    @Test
    void anomalyRuleFiresOnAnOpenAnomalyAndItsIncidentCarriesTheHints() throws Exception {
        long db1 = EngineFixture.instance(db, "anomalous-db1");
        execute(db, """
                INSERT INTO anomaly (instance_id, series, kind, severity, state, started_at, peak_at, score, hints, created_at, updated_at)
                VALUES (?, 'tps', 'spike', 'critical', 'open', ?, ?, 9.5, ?::jsonb, now(), now())""", db1,
                java.sql.Timestamp.from(BASE), java.sql.Timestamp.from(BASE),
                "[{\"rank\":1,\"type\":\"lock\",\"subject\":\"pid 42\",\"detail\":\"blocks 5\",\"ref\":\"lock:42\",\"weight\":0.9,\"at\":null}]");
        long rule = EngineFixture.insertRule(db, EngineFixture.rule("TpsAnomaly",
                new Condition(Condition.ANOMALY, null, null, null, null, "tps*", "critical", null), "0s",
                new RuleScope(List.of(db1), Map.of()), null));
        clock.advance(Duration.ofMinutes(1));
        alerting.evaluateNow(null);
        Map<String, Object> a = alert(rule);
        assertEquals("firing", a.get("state"));
        assertEquals(9.5, a.get("value"));
        assertNotNull(a.get("anomaly_id"));
        String hints = rows(db, "SELECT hints::text AS h FROM alert_incident WHERE id = ?", a.get("incident_id")).get(0).get("h").toString();
        assertTrue(hints.contains("lock:42"), hints);
    }

    @Test
    void reEvaluationOfTheSameRoundIsIdempotent() throws Exception {
        long db1 = EngineFixture.instance(db, "twice-db1");
        long rule = loadRule("Twice", db1, "0s", null);
        AlertingFeature other = EngineFixture.feature(db, member.hazelcast(), clock, new EngineFixture.HostLoadSignals(),
                new EngineFixture.TableSuppressions(db), notifier, events, new MetricsRegistry());
        tick(db1, 9);
        other.evaluateNow(null); // a node that took over repeats the round: it starts from the committed rows
        alerting.evaluateNow(null);
        assertEquals(1, rows(db, "SELECT id FROM alert WHERE rule_id = ?", rule).size());
        assertEquals(1, rows(db, "SELECT id FROM alert_incident WHERE instance_id = ?", db1).size());
        assertEquals(List.of("firing"), notified(db1));
        other.close();
    }

    @Test
    void prometheusGaugeCountsActiveAlertsByStateAndSeverity() throws Exception {
        long db1 = EngineFixture.instance(db, "gauge-db1");
        loadRule("Gauged", db1, "0s", null);
        tick(db1, 9);
        alerting.evaluateNow(null); // the gauge is taken at the start of a full round
        String scrape = metrics.scrape();
        assertTrue(scrape.contains("pganalytics_alerts{state=\"firing\",severity=\"warning\"} 1"), scrape);
        assertTrue(scrape.contains("pganalytics_alert_evaluation_rounds_total{kind=\"full\"}"), scrape);
    }
}
