package io.pganalytics.server.alerting.notify;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.alerting.AlertingConfig;
import io.pganalytics.server.alerting.IncidentNotifier;
import io.pganalytics.server.metrics.MetricsRegistry;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.ManualClock;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.TestServers;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Escalation policies, repeats and the bounded queue, on a real database and real receivers, with a clock the test
 * moves: the server's own dispatcher is off ({@code alerting.enabled: false}); a {@link Notifications} of the test
 * runs the rounds, with an on-call directory over the on-call tables.
 */
class EscalationTest {
    private static final Instant MONDAY_TEN = Instant.parse("2026-12-07T10:00:00Z");
    private static PgAnalyticsServer server;
    private static ApiClient api;
    private static String admin;
    private static Incidents incidents;
    private static HttpReceiver http;
    private static GreenMail mail;
    private static ManualClock clock;
    private static Notifications notifications;
    private static MetricsRegistry metrics;

    @BeforeAll
    static void start() {
        server = TestServers.start(SharedPostgres.newDatabase("escalation"), TestServers.newClusterName(), Map.of("alerting.enabled", "false"));
        api = new ApiClient(server);
        admin = api.loginAdmin();
        incidents = new Incidents(server.database().dataSource());
        http = new HttpReceiver();
        mail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        clock = new ManualClock(MONDAY_TEN);
        metrics = new MetricsRegistry();
        AlertingConfig config = AlertingConfig.from(Config.just(ConfigSources.create(Map.of("alerting.group-wait", "0s",
                "alerting.max-pending-notifications", "10", "alerting.retry-initial", "10ms"))).get("alerting"));
        notifications = new Notifications(config, server.database().dataSource(), "escalation-test", clock, metrics, server.crypto().sealer(),
                new TableOnCall(server.database().dataSource()));
    }

    @AfterAll
    static void stop() {
        notifications.close();
        mail.stop();
        http.close();
        server.close();
    }

    private static long user(String name, String email) throws Exception {
        long id = (incidents.insert("INSERT INTO auth_user (username, roles, created_at, updated_at) VALUES (?, '{viewer}', now(), now()) "
                + "RETURNING id", name));
        incidents.execute("INSERT INTO oncall_contact (user_id, email, updated_at) VALUES (?, ?, now())", id, email);
        return id;
    }

    private static long id(ApiClient.Response response) {
        assertEquals(201, response.status(), response.body());
        return response.json().get("id").asLong();
    }

    private static List<String> mailedTo() throws Exception {
        List<String> to = new ArrayList<>();
        for (MimeMessage message : mail.getReceivedMessages()) {
            to.add(message.getAllRecipients()[0].toString());
        }
        return to;
    }

    @Test
    void anUnacknowledgedIncidentClimbsThePolicyAndRepeatsItUntilAcknowledged() throws Exception {
        clock.set(MONDAY_TEN);
        String tag = UUID.randomUUID().toString().substring(0, 8);
        long alice = user("alice-" + tag, "alice-" + tag + "@example.com");
        long bob = user("bob-" + tag, "bob-" + tag + "@example.com");
        long schedule = (incidents.insert("INSERT INTO oncall_schedule (name, time_zone, rotations, created_by, created_at, updated_at) "
                + "VALUES (?, 'Europe/Paris', ?::jsonb, 'test', now(), now()) RETURNING id", "primary-" + tag,
                "[{\"name\":\"primary\",\"participants\":[" + alice + "," + bob + "],\"start\":\"2026-12-06T09:00\",\"length\":\"1d\"}]"));
        long email = id(api.post("/receivers", admin, "{\"name\":\"mail-" + tag + "\",\"kind\":\"email\",\"settings\":{\"to\":\"ops@example.com\","
                + "\"from\":\"pga@example.com\",\"smtpHost\":\"127.0.0.1\",\"smtpPort\":\"" + mail.getSmtp().getPort()
                + "\",\"tls\":\"none\",\"allowPlain\":\"true\"}}"));
        long hook = id(api.post("/receivers", admin, "{\"name\":\"hook-" + tag + "\",\"kind\":\"webhook\",\"settings\":{\"url\":\""
                + http.url("/level2") + "\"},\"secrets\":{\"hmacKey\":\"a-webhook-key-of-some-length\"}}"));
        long policy = (incidents.insert("INSERT INTO escalation_policy (name, levels, repeat, email_receiver_id, created_by, created_at, updated_at) "
                + "VALUES (?, ?::jsonb, 1, ?, 'test', now(), now()) RETURNING id", "policy-" + tag,
                "[{\"targets\":[{\"schedule\":" + schedule + "}],\"after\":\"5m\"},{\"targets\":[{\"receiver\":" + hook + "}],\"after\":\"10m\"}]",
                email));
        String instance = "esc-" + tag;
        id(api.post("/routes", admin, "{\"name\":\"page-" + tag + "\",\"matchers\":[{\"label\":\"instance\",\"op\":\"=\",\"value\":\"" + instance
                + "\"}],\"escalationPolicyId\":" + policy + "}"));
        Incidents.Opened incident = incidents.open(incidents.instance(instance), instance, incidents.rule("Esc" + tag), "Esc", "critical", Map.of(),
                false);

        incidents.tell(notifications.notifier(), incident, IncidentNotifier.Event.FIRING, 1);
        notifications.round();
        // Monday 10:00 UTC is 11:00 in Paris: the second day of the rotation that began Sunday 09:00, so bob's turn
        assertEquals(List.of("bob-" + tag + "@example.com"), mailedTo(), "level 1: whoever is on call");
        assertEquals(List.of(0, MONDAY_TEN.plus(Duration.ofMinutes(5))), escalation(incident.incidentId()));

        clock.advance(Duration.ofMinutes(4));
        notifications.round();
        assertEquals(0, http.at("/level2").size(), "not before level 1's 5 minutes");
        clock.advance(Duration.ofMinutes(1));
        notifications.round();
        assertEquals(1, http.at("/level2").size(), "level 2 after 5 minutes without an acknowledgement");
        assertEquals("escalated", http.at("/level2").getFirst().header("X-PgAnalytics-Event"));

        clock.advance(Duration.ofMinutes(10));
        notifications.round();
        assertEquals(2, mailedTo().size(), "the policy repeats once: level 1 again");

        incidents.execute("UPDATE alert_incident SET state = 'acknowledged', acknowledged_at = ?, acknowledged_by = 'bob' WHERE id = ?",
                java.sql.Timestamp.from(clock.instant()), incident.incidentId());
        clock.advance(Duration.ofHours(2));
        notifications.round();
        assertEquals(1, http.at("/level2").size(), "an acknowledgement stops the escalation");
        assertEquals(2, mailedTo().size());
        assertEquals(List.of("firing", "escalated", "escalated"), incidents.rows("SELECT event FROM alert_notification WHERE incident_id = ? ORDER BY id",
                incident.incidentId()).stream().map(r -> r.getFirst().toString()).toList());
        assertEquals(409, api.withoutConfirming().delete("/receivers/" + hook, admin).status(), "a policy's level still sends to it");
        assertEquals(409, api.withoutConfirming().delete("/receivers/" + email, admin).status(), "the policy mails through it");
    }

    private static List<Object> escalation(long incident) throws Exception {
        List<Object> row = incidents.rows("SELECT escalation_level, next_escalation_at FROM alert_incident WHERE id = ?", incident).getFirst();
        return List.of(((Number) row.get(0)).intValue(), row.get(1));
    }

    @Test
    void aFiringIncidentIsRepeatedEveryRepeatIntervalUntilAcknowledged() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        long hook = id(api.post("/receivers", admin, "{\"name\":\"repeat-" + tag + "\",\"kind\":\"webhook\",\"settings\":{\"url\":\""
                + http.url("/repeat-" + tag) + "\"},\"secrets\":{\"hmacKey\":\"a-webhook-key-of-some-length\"}}"));
        String instance = "rep-" + tag;
        id(api.post("/routes", admin, "{\"name\":\"rep-" + tag + "\",\"matchers\":[{\"label\":\"instance\",\"op\":\"=\",\"value\":\"" + instance
                + "\"}],\"receiverId\":" + hook + ",\"repeatInterval\":\"1h\"}"));
        Incidents.Opened incident = incidents.open(incidents.instance(instance), instance, incidents.rule("Rep" + tag), "Rep", "warning", Map.of(),
                false);
        incidents.tell(notifications.notifier(), incident, IncidentNotifier.Event.FIRING, 1);
        notifications.round();
        clock.advance(Duration.ofMinutes(59));
        notifications.round();
        assertEquals(1, http.at("/repeat-" + tag).size());
        clock.advance(Duration.ofMinutes(1));
        notifications.round();
        assertEquals(2, http.at("/repeat-" + tag).size(), "repeated after the route's hour");
        assertEquals("repeat", http.at("/repeat-" + tag).getLast().header("X-PgAnalytics-Event"));
        incidents.execute("UPDATE alert_incident SET state = 'acknowledged', acknowledged_at = ?, acknowledged_by = 'bob' WHERE id = ?",
                java.sql.Timestamp.from(clock.instant()), incident.incidentId());
        clock.advance(Duration.ofHours(3));
        notifications.round();
        assertEquals(List.of("firing", "repeat", "acknowledged"), http.at("/repeat-" + tag).stream().map(r -> r.header("X-PgAnalytics-Event")).toList(),
                "no repeat once acknowledged; one acknowledgement notice");
    }

    @Test
    void pastTheQueueBoundANewNotificationIsRecordedAsDropped() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        long hook = id(api.post("/receivers", admin, "{\"name\":\"queue-" + tag + "\",\"kind\":\"webhook\",\"settings\":{\"url\":\""
                + http.url("/queue") + "\"},\"secrets\":{\"hmacKey\":\"a-webhook-key-of-some-length\"}}"));
        String instance = "queue-" + tag;
        id(api.post("/routes", admin, "{\"name\":\"q-" + tag + "\",\"matchers\":[{\"label\":\"instance\",\"op\":\"=\",\"value\":\"" + instance
                + "\"}],\"receiverId\":" + hook + "}"));
        Incidents.Opened incident = incidents.open(incidents.instance(instance), instance, incidents.rule("Queue" + tag), "Queue", "warning", Map.of(),
                false);
        for (int i = 0; i < 10; i++) {
            incidents.execute("INSERT INTO alert_notification (dedup_key, incident_id, receiver_id, event, payload, state, next_attempt_at, created_at) "
                    + "VALUES (?, ?, ?, 'updated', '{}', 'pending', now() + interval '10 years', now())", "filler:" + tag + ":" + i, incident.incidentId(), hook);
        }
        incidents.tell(notifications.notifier(), incident, IncidentNotifier.Event.FIRING, 1);
        List<Object> row = incidents.rows("SELECT state, last_error FROM alert_notification WHERE incident_id = ? AND event = 'firing'",
                incident.incidentId()).getFirst();
        assertEquals("dropped", row.get(0));
        assertTrue(row.get(1).toString().contains("queue was full"), row.get(1).toString());
        assertEquals(1.0, metrics.counter("pganalytics_alert_notifications_total", "", "channel", "result").value("webhook", "dropped"));
        incidents.execute("DELETE FROM alert_notification WHERE dedup_key LIKE ?", "filler:" + tag + ":%");
    }
}
