package io.pganalytics.server.alerting.notify;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.alerting.IncidentNotifier;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.Eventually;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.TestServers;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Notifications end to end on a real server: receivers and routes through the API, incidents told to the server's
 * notifier, delivered by its dispatcher to a real local HTTP server.
 */
class NotificationDeliveryTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String HMAC_KEY = "a-webhook-key-of-some-length";
    private static PgAnalyticsServer server;
    private static ApiClient api;
    private static String admin;
    private static Incidents incidents;
    private static HttpReceiver http;
    private static GreenMail mail;
    private static StartTlsFront front;

    @BeforeAll
    static void start() {
        server = TestServers.start(SharedPostgres.newDatabase("notify"), TestServers.newClusterName(), Map.of(
                "alerting.dispatch-interval", "100ms", "alerting.retry-initial", "50ms", "alerting.retry-max", "200ms",
                "alerting.group-wait", "0s", "alerting.max-attempts", "4"));
        api = new ApiClient(server);
        admin = api.loginAdmin();
        incidents = new Incidents(server.database().dataSource());
        http = new HttpReceiver();
        mail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        try {
            front = new StartTlsFront(mail.getSmtp().getPort());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        front.close();
        mail.stop();
        http.close();
        server.close();
    }

    /** A receiver, a route of the instance to it, and an incident on the instance told FIRING. */
    private record Setup(String instance, long receiverId, long routeId, Incidents.Opened incident) {
    }

    private static Setup fire(String kind, String settingsJson, String secretsJson, boolean suppressed) throws Exception {
        String name = "db-" + UUID.randomUUID().toString().substring(0, 8);
        ApiClient.Response receiver = api.post("/receivers", admin, "{\"name\":\"" + name + "\",\"kind\":\"" + kind + "\",\"settings\":" + settingsJson
                + ",\"secrets\":" + secretsJson + "}");
        assertEquals(201, receiver.status(), receiver.body());
        long receiverId = receiver.json().get("id").asLong();
        ApiClient.Response route = api.post("/routes", admin, "{\"position\":10,\"name\":\"" + name + "\",\"matchers\":[{\"label\":\"instance\",\"op\":\"=\","
                + "\"value\":\"" + name + "\"}],\"receiverId\":" + receiverId + "}");
        assertEquals(201, route.status(), route.body());
        long instance = incidents.instance(name);
        long rule = incidents.rule("LockWaits" + name.substring(3));
        Incidents.Opened opened = incidents.open(instance, name, rule, "LockWaits", "critical", Map.of("team", "dba"), suppressed);
        incidents.tell(server.alerting().notifier(), opened, IncidentNotifier.Event.FIRING, 1);
        return new Setup(name, receiverId, route.json().get("id").asLong(), opened);
    }

    private static List<Object> notification(long incidentId, String event) throws Exception {
        List<List<Object>> rows = incidents.rows("SELECT id, state, attempts, response_status, last_error, dedup_key FROM alert_notification "
                + "WHERE incident_id = ? AND event = ? ORDER BY id", incidentId, event);
        return rows.isEmpty() ? null : rows.getFirst();
    }

    private static void awaitState(long incidentId, String event, String state) {
        Eventually.await(WAIT, "the " + event + " notification of incident " + incidentId + " " + state, () -> {
            try {
                List<Object> row = notification(incidentId, event);
                return row != null && state.equals(row.get(1));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void webhookBodyIsSignedWithHmacSha256AndNamesTheNotification() throws Exception {
        Setup setup = fire("webhook", "{\"url\":\"" + http.url("/hook-signed") + "\"}", "{\"hmacKey\":\"" + HMAC_KEY + "\"}", false);
        awaitState(setup.incident().incidentId(), "firing", "sent");
        HttpReceiver.Received received = http.at("/hook-signed").getFirst();
        assertEquals("sha256=" + HttpChannel.hmac(HMAC_KEY, received.body().getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                received.header("X-PgAnalytics-Signature"));
        JsonNode body = JsonMapping.newMapper().readTree(received.body());
        List<Object> row = notification(setup.incident().incidentId(), "firing");
        assertEquals(row.get(0).toString(), received.header("X-PgAnalytics-Notification"));
        assertEquals(((Number) row.get(0)).longValue(), body.get("id").asLong());
        assertEquals("firing", body.get("event").asText());
        assertEquals(setup.incident().incidentId(), body.get("incident").get("id").asLong());
        assertEquals("Lock waits \"high\" <b>&</b> rising", body.get("alerts").get(0).get("summary").asText(), "escaped as JSON, kept whole");
        assertEquals("dba", body.get("alerts").get(0).get("labels").get("team").asText());
        assertEquals(200, ((Number) row.get(3)).intValue());
    }

    @Test
    void theSameChangeToldTwiceIsNotifiedOnce() throws Exception {
        Setup setup = fire("webhook", "{\"url\":\"" + http.url("/hook-dedup") + "\"}", "{\"hmacKey\":\"" + HMAC_KEY + "\"}", false);
        incidents.tell(server.alerting().notifier(), setup.incident(), IncidentNotifier.Event.FIRING, 1);
        incidents.tell(server.alerting().notifier(), setup.incident(), IncidentNotifier.Event.FIRING, 2);
        awaitState(setup.incident().incidentId(), "firing", "sent");
        assertEquals(1, incidents.rows("SELECT 1 FROM alert_notification WHERE incident_id = ?", setup.incident().incidentId()).size());
        assertEquals(1, http.at("/hook-dedup").size());
    }

    @Test
    void aFailedDeliveryIsRetriedWithBackoffUntilTheReceiverTakesIt() throws Exception {
        http.statuses.add(503);
        http.statuses.add(503);
        Setup setup = fire("webhook", "{\"url\":\"" + http.url("/hook-retry") + "\"}", "{\"hmacKey\":\"" + HMAC_KEY + "\"}", false);
        awaitState(setup.incident().incidentId(), "firing", "sent");
        List<Object> row = notification(setup.incident().incidentId(), "firing");
        assertEquals(3, ((Number) row.get(2)).intValue(), "two refusals, then delivered");
        assertEquals(3, http.at("/hook-retry").size());
        assertEquals(List.of(http.at("/hook-retry").getFirst().header("X-PgAnalytics-Notification")),
                http.at("/hook-retry").stream().map(r -> r.header("X-PgAnalytics-Notification")).distinct().toList(), "one stable id");
        String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + server.adminPort() + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(metrics.contains("pganalytics_alert_notifications_total{channel=\"webhook\",result=\"retry\"}"), metrics);
    }

    @Test
    void aMessageTheReceiverRefusesIsNotRetried() throws Exception {
        http.statuses.add(400);
        Setup setup = fire("webhook", "{\"url\":\"" + http.url("/hook-refused") + "\"}", "{\"hmacKey\":\"" + HMAC_KEY + "\"}", false);
        awaitState(setup.incident().incidentId(), "firing", "failed");
        List<Object> row = notification(setup.incident().incidentId(), "firing");
        assertEquals(1, ((Number) row.get(2)).intValue());
        assertEquals(400, ((Number) row.get(3)).intValue());
        assertTrue(row.get(4).toString().startsWith("HTTP 400"), row.get(4).toString());
    }

    @Test
    void anIncidentWhoseAlertsAreAllSuppressedIsNotNotified() throws Exception {
        Setup setup = fire("webhook", "{\"url\":\"" + http.url("/hook-suppressed") + "\"}", "{\"hmacKey\":\"" + HMAC_KEY + "\"}", true);
        incidents.tell(server.alerting().notifier(), setup.incident(), IncidentNotifier.Event.RESOLVED, 2);
        assertTrue(incidents.rows("SELECT 1 FROM alert_notification WHERE incident_id = ?", setup.incident().incidentId()).isEmpty());
        assertTrue(http.at("/hook-suppressed").isEmpty());
    }

    @Test
    void slackTeamsAndPagerDutyGetTheirOwnBodiesAndPagerDutyResolvesByDedupKey() throws Exception {
        Setup slack = fire("slack", "{}", "{\"url\":\"" + http.url("/slack") + "\"}", false);
        Setup teams = fire("teams", "{}", "{\"url\":\"" + http.url("/teams") + "\"}", false);
        Setup pager = fire("pagerduty", "{\"url\":\"" + http.url("/pagerduty") + "\"}", "{\"routingKey\":\"R0UT1NGKEY\"}", false);
        awaitState(slack.incident().incidentId(), "firing", "sent");
        awaitState(teams.incident().incidentId(), "firing", "sent");
        awaitState(pager.incident().incidentId(), "firing", "sent");
        JsonNode slackBody = JsonMapping.newMapper().readTree(http.at("/slack").getFirst().body());
        assertTrue(slackBody.get("text").asText().startsWith("[FIRING] LockWaits"), slackBody.toString());
        assertTrue(slackBody.get("attachments").get(0).get("text").asText().contains("Lock waits \"high\" &lt;b&gt;&amp;&lt;/b&gt; rising"),
                "Slack's entities escaped: " + slackBody);
        JsonNode teamsBody = JsonMapping.newMapper().readTree(http.at("/teams").getFirst().body());
        assertEquals("application/vnd.microsoft.card.adaptive", teamsBody.get("attachments").get(0).get("contentType").asText());
        assertEquals("AdaptiveCard", teamsBody.get("attachments").get(0).get("content").get("type").asText());
        JsonNode trigger = JsonMapping.newMapper().readTree(http.at("/pagerduty").getFirst().body());
        assertEquals("R0UT1NGKEY", trigger.get("routing_key").asText());
        assertEquals("trigger", trigger.get("event_action").asText());
        assertEquals("pganalytics-incident-" + pager.incident().incidentId(), trigger.get("dedup_key").asText());
        assertEquals("critical", trigger.get("payload").get("severity").asText());

        incidents.execute("UPDATE alert_incident SET state = 'resolved', resolved_at = now() WHERE id = ?", pager.incident().incidentId());
        incidents.tell(server.alerting().notifier(), pager.incident(), IncidentNotifier.Event.RESOLVED, 2);
        awaitState(pager.incident().incidentId(), "resolved", "sent");
        JsonNode resolve = JsonMapping.newMapper().readTree(http.at("/pagerduty").getLast().body());
        assertEquals("resolve", resolve.get("event_action").asText());
        assertEquals(trigger.get("dedup_key").asText(), resolve.get("dedup_key").asText());
        assertNull(resolve.get("payload"));
    }

    @Test
    void anAcknowledgedIncidentTellsPagerDutyOnce() throws Exception {
        Setup pager = fire("pagerduty", "{\"url\":\"" + http.url("/pagerduty-ack") + "\"}", "{\"routingKey\":\"ACKKEY\"}", false);
        awaitState(pager.incident().incidentId(), "firing", "sent");
        incidents.execute("UPDATE alert_incident SET state = 'acknowledged', acknowledged_at = now(), acknowledged_by = 'alice' WHERE id = ?",
                pager.incident().incidentId());
        awaitState(pager.incident().incidentId(), "updated", "sent");
        JsonNode acknowledge = JsonMapping.newMapper().readTree(http.at("/pagerduty-ack").getLast().body());
        assertEquals("acknowledge", acknowledge.get("event_action").asText());
        assertEquals(2, http.at("/pagerduty-ack").size());
        assertFalse(incidents.rows("SELECT 1 FROM alert_notification WHERE incident_id = ? AND dedup_key LIKE '%:acknowledged:%'",
                pager.incident().incidentId()).isEmpty());
    }

    private static String mailSettings(int port, String certificatePem) {
        Map<String, String> settings = new java.util.TreeMap<>(Map.of("to", "dba@example.com", "from", "pganalytics@example.com",
                "smtpHost", "127.0.0.1", "smtpPort", Integer.toString(port)));
        if (certificatePem != null) {
            settings.put("trustedCertificate", certificatePem);
        }
        return api.toJson(settings);
    }

    private static List<MimeMessage> mailsAbout(String instance) throws Exception {
        List<MimeMessage> found = new java.util.ArrayList<>();
        for (MimeMessage message : mail.getReceivedMessages()) {
            if (message.getSubject().contains(instance)) {
                found.add(message);
            }
        }
        return found;
    }

    @Test
    void mailGoesOverStartTlsAndArrivesInTheSmtpServer() throws Exception {
        int upgradedBefore = front.upgraded.get();
        Setup setup = fire("email", mailSettings(front.port(), front.certificatePem()), "{}", false);
        awaitState(setup.incident().incidentId(), "firing", "sent");
        List<MimeMessage> received = mailsAbout(setup.instance());
        assertEquals(1, received.size());
        MimeMessage message = received.getFirst();
        assertEquals("[FIRING CRITICAL] LockWaits on " + setup.instance() + " on " + setup.instance(), message.getSubject());
        assertEquals("dba@example.com", message.getAllRecipients()[0].toString());
        String body = GreenMailUtil.getBody(message);
        assertTrue(body.contains("Lock waits \"high\" <b>&</b> rising"), body);
        assertTrue(body.contains("team=dba"), body);
        List<Object> row = notification(setup.incident().incidentId(), "firing");
        assertEquals(row.get(0).toString(), message.getHeader("X-PgAnalytics-Notification")[0]);
        assertEquals(250, ((Number) row.get(3)).intValue());
        assertTrue(front.upgraded.get() > upgradedBefore, "the session was upgraded with STARTTLS");
    }

    @Test
    void aMailServerWithoutStartTlsIsNotUsedInClear() throws Exception {
        String name = "plain-" + UUID.randomUUID().toString().substring(0, 8);
        ApiClient.Response created = api.post("/receivers", admin, "{\"name\":\"" + name + "\",\"kind\":\"email\",\"settings\":"
                + mailSettings(mail.getSmtp().getPort(), null) + "}");
        assertEquals(201, created.status(), created.body());
        int before = mail.getReceivedMessages().length;
        ApiClient.Response test = api.post("/receivers/" + created.json().get("id").asLong() + "/test", admin, "{}");
        assertEquals(200, test.status(), test.body());
        assertFalse(test.json().get("delivered").asBoolean(), test.body());
        assertTrue(test.json().get("error").asText().contains("STARTTLS"), test.body());
        assertEquals(before, mail.getReceivedMessages().length);
    }

    @Test
    void aTestSendReachesTheReceiverNow() throws Exception {
        String name = "test-" + UUID.randomUUID().toString().substring(0, 8);
        ApiClient.Response created = api.post("/receivers", admin, "{\"name\":\"" + name + "\",\"kind\":\"webhook\",\"settings\":{\"url\":\""
                + http.url("/hook-test") + "\"},\"secrets\":{\"hmacKey\":\"" + HMAC_KEY + "\"}}");
        assertEquals(201, created.status(), created.body());
        ApiClient.Response test = api.post("/receivers/" + created.json().get("id").asLong() + "/test", admin, "{}");
        assertEquals(200, test.status(), test.body());
        assertTrue(test.json().get("delivered").asBoolean(), test.body());
        assertEquals(200, test.json().get("status").asInt());
        assertTrue(http.at("/hook-test").getFirst().body().contains("Test notification from pgAnalytics"));
    }

    @Test
    void receiverSecretsAreWriteOnlySealedAndMaskedInTheAuditTrail() throws Exception {
        String secret = "hmac-" + UUID.randomUUID();
        ApiClient.Response created = api.post("/receivers", admin, "{\"name\":\"sealed-" + secret.substring(5, 13) + "\",\"kind\":\"webhook\","
                + "\"settings\":{\"url\":\"" + http.url("/hook-sealed") + "\"},\"secrets\":{\"hmacKey\":\"" + secret + "\"}}");
        assertEquals(201, created.status(), created.body());
        long id = created.json().get("id").asLong();
        assertFalse(created.body().contains(secret), created.body());
        assertEquals("hmacKey", created.json().get("secretsSet").get(0).asText());
        byte[] sealed = (byte[]) incidents.rows("SELECT secrets_sealed FROM alert_receiver WHERE id = ?", id).getFirst().getFirst();
        assertFalse(new String(sealed, java.nio.charset.StandardCharsets.ISO_8859_1).contains(secret), "sealed, not in clear");
        ApiClient.Response read = api.get("/receivers/" + id, admin);
        assertFalse(read.body().contains(secret), read.body());
        assertEquals(http.url("/hook-sealed"), read.json().get("settings").get("url").asText());
        String viewer = api.loginNewViewer("viewer-" + secret.substring(5, 13));
        ApiClient.Response seen = api.get("/receivers/" + id, viewer);
        assertEquals(200, seen.status(), seen.body());
        assertTrue(seen.json().get("settings").isEmpty(), "a viewer does not see a receiver's settings: " + seen.body());
        assertEquals(403, api.post("/receivers", viewer, "{}").status());

        // a replace without the secret keeps it: the test message is still signed with it
        ApiClient.Response replaced = api.put("/receivers/" + id, admin, "{\"name\":\"sealed-" + secret.substring(5, 13) + "-b\","
                + "\"settings\":{\"url\":\"" + http.url("/hook-sealed") + "\"}}");
        assertEquals(200, replaced.status(), replaced.body());
        assertTrue(api.post("/receivers/" + id + "/test", admin, "{}").json().get("delivered").asBoolean());
        HttpReceiver.Received signed = http.at("/hook-sealed").getLast();
        assertEquals("sha256=" + HttpChannel.hmac(secret, signed.body().getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                signed.header("X-PgAnalytics-Signature"));
        List<List<Object>> audited = incidents.rows("SELECT r::text FROM audit.record r WHERE r.action LIKE ?", "receiver.%");
        assertFalse(audited.isEmpty(), "receiver changes are audited");
        assertTrue(audited.stream().noneMatch(row -> row.getFirst().toString().contains(secret)), "no secret in the audit trail");
    }

    @Test
    void aBadReceiverIsRefusedNamingTheFieldAndWritesNothing() throws Exception {
        long before = ((Number) incidents.rows("SELECT count(*) FROM alert_receiver").getFirst().getFirst()).longValue();
        ApiClient.Response kind = api.post("/receivers", admin, "{\"name\":\"bad1\",\"kind\":\"fax\"}");
        assertEquals(400, kind.status(), kind.body());
        assertEquals("kind", kind.json().get("details").get(0).get("field").asText());
        ApiClient.Response key = api.post("/receivers", admin, "{\"name\":\"bad2\",\"kind\":\"webhook\",\"settings\":{\"url\":\"https://x.example\"}}");
        assertEquals(400, key.status(), key.body());
        assertEquals("secrets.hmacKey", key.json().get("details").get(0).get("field").asText());
        ApiClient.Response plain = api.post("/receivers", admin, "{\"name\":\"bad3\",\"kind\":\"email\",\"settings\":{\"to\":\"a@example.com\","
                + "\"from\":\"b@example.com\",\"smtpHost\":\"mail.example.com\",\"tls\":\"none\"}}");
        assertEquals(400, plain.status(), plain.body());
        assertEquals("settings.tls", plain.json().get("details").get(0).get("field").asText());
        ApiClient.Response credentials = api.post("/receivers", admin, "{\"name\":\"bad4\",\"kind\":\"webhook\",\"settings\":{\"url\":"
                + "\"https://user:pw@x.example\"},\"secrets\":{\"hmacKey\":\"" + HMAC_KEY + "\"}}");
        assertEquals(400, credentials.status(), credentials.body());
        assertEquals("settings.url", credentials.json().get("details").get(0).get("field").asText());
        assertEquals(before, ((Number) incidents.rows("SELECT count(*) FROM alert_receiver").getFirst().getFirst()).longValue());
    }

    @Test
    void aBadRouteIsRefusedNamingTheField() {
        ApiClient.Response regex = api.post("/routes", admin, "{\"name\":\"r\",\"matchers\":[{\"label\":\"team\",\"op\":\"=~\",\"value\":\"(\"}],"
                + "\"receiverId\":1}");
        assertEquals(400, regex.status(), regex.body());
        assertTrue(regex.body().contains("matchers[0].value"), regex.body());
        ApiClient.Response neither = api.post("/routes", admin, "{\"name\":\"r\"}");
        assertEquals(400, neither.status(), neither.body());
        assertEquals("receiverId", neither.json().get("details").get(0).get("field").asText());
        ApiClient.Response wait = api.post("/routes", admin, "{\"name\":\"r\",\"receiverId\":999999,\"groupWait\":\"2h\"}");
        assertEquals(400, wait.status(), wait.body());
        assertTrue(wait.body().contains("groupWait") && wait.body().contains("no receiver 999999"), wait.body());
    }

    @Test
    void deletingNeedsConfirmationAndAReceiverInUseIsKept() throws Exception {
        Setup setup = fire("webhook", "{\"url\":\"" + http.url("/hook-delete") + "\"}", "{\"hmacKey\":\"" + HMAC_KEY + "\"}", false);
        ApiClient unconfirmed = api.withoutConfirming();
        assertEquals(409, unconfirmed.delete("/receivers/" + setup.receiverId(), admin).status(), "a route still sends to it");
        assertEquals(428, unconfirmed.delete("/routes/" + setup.routeId(), admin).status());
        assertEquals(204, api.delete("/routes/" + setup.routeId(), admin).status());
        assertEquals(204, api.delete("/receivers/" + setup.receiverId(), admin).status());
        assertEquals(404, api.get("/receivers/" + setup.receiverId(), admin).status());
    }

    @Test
    void routesMatchInPositionOrderAndContinueOnlyWhenTheySaySo() throws Exception {
        String team = "t" + UUID.randomUUID().toString().substring(0, 8);
        long receiver = api.post("/receivers", admin, "{\"name\":\"order-" + team + "\",\"kind\":\"webhook\",\"settings\":{\"url\":\""
                + http.url("/hook-order") + "\"},\"secrets\":{\"hmacKey\":\"" + HMAC_KEY + "\"}}").json().get("id").asLong();
        String name = "order-" + team;
        long first = route(team + "-a", 1, name, "team", "=", team, receiver, true);
        long second = route(team + "-b", 2, name, "team", "=~", team + "|other", receiver, false);
        long third = route(team + "-c", 3, name, "team", "=", team, receiver, false);
        long skipped = route(team + "-d", 0, name, "team", "!=", team, receiver, false);
        Incidents.Opened opened = incidents.open(incidents.instance(name), name, incidents.rule("Order" + team), "Order", "warning",
                Map.of("team", team), false);
        incidents.tell(server.alerting().notifier(), opened, IncidentNotifier.Event.FIRING, 1);
        List<Object> routes = incidents.rows("SELECT route_id FROM alert_notification WHERE incident_id = ? ORDER BY route_id", opened.incidentId())
                .stream().map(List::getFirst).map(v -> (Object) ((Number) v).longValue()).toList();
        assertEquals(List.of(first, second), routes, "not " + third + " (the second did not continue) nor " + skipped);
    }

    /** A route of one test's instance (so that it never takes another test's incidents) and one more matcher. */
    private static long route(String name, int position, String instance, String label, String op, String value, long receiver,
                              boolean continueMatching) {
        ApiClient.Response route = api.post("/routes", admin, "{\"position\":" + position + ",\"name\":\"" + name + "\",\"matchers\":["
                + "{\"label\":\"instance\",\"op\":\"=\",\"value\":\"" + instance + "\"},{\"label\":\""
                + label + "\",\"op\":\"" + op + "\",\"value\":\"" + value + "\"}],\"receiverId\":" + receiver + ",\"continueMatching\":"
                + continueMatching + "}");
        assertEquals(201, route.status(), route.body());
        return route.json().get("id").asLong();
    }
}
