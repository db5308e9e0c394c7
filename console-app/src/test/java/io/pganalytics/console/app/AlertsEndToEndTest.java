package io.pganalytics.console.app;

import io.pganalytics.common.alerting.AlertEvent;
import io.pganalytics.common.anomaly.AnomalyHint;
import io.pganalytics.console.alerts.AlertsViewModel;
import io.pganalytics.console.api.ApiException;
import io.pganalytics.console.api.ConsoleApi;
import io.pganalytics.console.api.HttpConnector;
import io.pganalytics.console.api.ServerAddress;
import io.pganalytics.console.common.ConsoleHome;
import io.pganalytics.console.testing.AlertRows;
import io.pganalytics.console.testing.AnomalyRows;
import io.pganalytics.console.testing.TestServer;
import io.pganalytics.console.testing.Workload;
import io.pganalytics.server.testing.TestServers;
import javafx.scene.Node;
import javafx.scene.control.Labeled;
import javafx.scene.control.TableView;
import javafx.scene.control.TextInputControl;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

import static io.pganalytics.console.app.BackupsEndToEndTest.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Alerts screen, headless, against a real server on embedded PostgreSQL: a collector's instance through the real
 * ingest API, an incident with its hints and two firing alerts planted in the server's database as the evaluator
 * writes them (evaluation off, so nothing resolves them under the test). The fleet shows the instance's badge, the
 * screen lists the alerts and the incident's detail, the key A acknowledges the incident in the database, feedback is
 * stored, an alert event published by the server joins the list live, the alerting configuration's tabs sit beside
 * the screen's own, and the key S creates a silence from the dialog (where the server serves {@code /silences}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AlertsEndToEndTest {
    private static TestServer server;
    private static CompositionRoot root;
    private static FxRobot robot;
    private static ConsoleApi other;
    private static long instanceId;
    private static long incidentId;
    private static long deadlocks;
    private static long lockWaitsRule;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start("console_alerts", Map.of("alerting.enabled", "false", "anomaly.enabled", "false"));
        Workload workload = Workload.register(server);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        for (int minute = 10; minute >= 0; minute--) {
            workload.send(now.minus(Duration.ofMinutes(minute)), 600, 12);
        }
        HttpConnector connector = new HttpConnector(new ConsoleHome(Files.createTempDirectory("pga-console-alerts-other-")));
        ServerAddress address = ServerAddress.parse(server.url());
        connector.trust(connector.probe(address));
        other = connector.open(address);
        other.login("admin", TestServers.ADMIN_PASSWORD);
        try (Connection c = server.database()) {
            instanceId = AnomalyRows.instanceId(c, Workload.INSTANCE);
            lockWaitsRule = AlertRows.rule(c, "lock_waits", "warning");
            long deadlocksRule = AlertRows.rule(c, "deadlocks_seen", "critical");
            incidentId = AlertRows.incident(c, instanceId, "critical", "Lock waits and deadlocks on " + Workload.INSTANCE,
                    now.minusSeconds(600), List.of(
                            new AnomalyHint(1, AnomalyHint.LOCK, "pid 4711 blocks 9 backends", "UPDATE orders SET status = $1 WHERE id = $2",
                                    "lock:4711", 0.81, now.minusSeconds(660)),
                            new AnomalyHint(2, AnomalyHint.STATEMENT, Workload.STATEMENT, "calls 9.1/s -> 30.4/s",
                                    "query:" + Workload.QUERYID, 0.52, now.minusSeconds(720))));
            AlertRows.firing(c, lockWaitsRule, "lock_waits", instanceId, Workload.INSTANCE, "warning", 9, now.minusSeconds(600), incidentId);
            deadlocks = AlertRows.firing(c, deadlocksRule, "deadlocks_seen", instanceId, Workload.INSTANCE, "critical", 3, now.minusSeconds(300),
                    incidentId);
        }
        Path home = Files.createTempDirectory("pga-console-alerts-");
        Stage stage = FxToolkit.registerPrimaryStage();
        FxToolkit.setupFixture(() -> {
            root = new CompositionRoot(new ConsoleHome(home), page -> {
                throw new IllegalStateException("no browser in this test");
            }, (suggested, format) -> Optional.empty());
            root.start(stage);
            stage.setWidth(1500);
            stage.setHeight(940);
        });
        robot = new FxRobot();
        BackupsEndToEndTest.signIn(robot, server);
    }

    @AfterAll
    static void stop() throws TimeoutException {
        if (root != null) {
            FxToolkit.setupFixture(() -> root.close());
            FxToolkit.cleanupStages();
        }
        if (other != null) {
            other.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(1)
    void theFleetShowsTheInstancesFiringAlertsAsABadge() {
        waitUntil(() -> robot.lookup("#fleet-alert-badge-" + instanceId).tryQuery().isPresent());
        Labeled badge = (Labeled) node("#fleet-alert-badge-" + instanceId);
        assertEquals("2 firing", badge.getText());
        assertTrue(badge.getStyleClass().contains("alerts-critical"), badge.getStyleClass().toString());
    }

    @Test
    @Order(2)
    void theAlertsScreenListsWhatFiresAndTheIncidentWithItsHints() {
        robot.clickOn("#nav-alerts");
        waitUntil(() -> firing().getItems().size() == 2);
        AlertsViewModel.AlertRow first = firing().getItems().getFirst();
        assertEquals(deadlocks, first.id());
        assertEquals("critical", first.severity());
        assertEquals(Workload.INSTANCE, first.instance());
        assertEquals("#" + incidentId + " open", first.incident());
        robot.interact(() -> firing().getSelectionModel().select(0));
        waitUntil(() -> text("#incident-title").startsWith("Critical incident " + incidentId));
        waitUntil(() -> ((TableView<?>) node("#incident-alerts")).getItems().size() == 2);
        assertEquals(2, ((TableView<?>) node("#incident-hints")).getItems().size());
        assertTrue(tabIds().containsAll(List.of("tab-alerts", "tab-alert-rules", "tab-alert-maintenance", "tab-alert-oncall",
                "tab-alert-effectiveness")), tabIds().toString());
    }

    @Test
    @Order(3)
    void theKeyAAcknowledgesTheIncidentOnTheServer() throws Exception {
        robot.clickOn(robot.lookup("#alerts-firing .table-row-cell").nth(0).queryAs(Node.class));
        robot.type(KeyCode.A);
        waitUntil(() -> "acknowledged".equals(single("SELECT state FROM alert_incident WHERE id = " + incidentId)));
        assertEquals("admin", single("SELECT acknowledged_by FROM alert_incident WHERE id = " + incidentId));
        waitUntil(() -> text("#alerts-status").startsWith("Incident " + incidentId + " on " + Workload.INSTANCE + " acknowledged by admin"));
        waitUntil(() -> firing().getItems().getFirst().incident().equals("#" + incidentId + " acknowledged"));
    }

    @Test
    @Order(4)
    void feedbackIsStoredWithTheIncident() throws Exception {
        robot.interact(() -> ((TextInputControl) node("#incident-comment")).setText("the nightly batch holds the lock"));
        robot.clickOn("#incident-noise");
        waitUntil(() -> "noise".equals(single("SELECT feedback FROM alert_incident WHERE id = " + incidentId)));
        assertEquals("the nightly batch holds the lock", single("SELECT feedback_comment FROM alert_incident WHERE id = " + incidentId));
        waitUntil(() -> text("#incident-feedback").startsWith("Feedback: noise"));
    }

    @Test
    @Order(5)
    void anAlertEventPublishedByTheServerJoinsTheListLive() throws Exception {
        long planted;
        try (Connection c = server.database()) {
            long rule = AlertRows.rule(c, "replication_lag", "critical");
            planted = AlertRows.firing(c, rule, "replication_lag", instanceId, Workload.INSTANCE, "critical", 120, Instant.now(), incidentId);
        }
        server.server().live().alertEvents().publish(new AlertEvent(other.alerts().alert(planted), null));
        waitUntil(() -> firing().getItems().stream().anyMatch(r -> r.id() == planted));
        assertEquals(planted, firing().getItems().getFirst().id(), "critical and newest first");
    }

    @Test
    @Order(6)
    void theKeySSilencesAlertsLikeTheSelectedOneOnTheServer() throws Exception {
        // POST /silences is the alerting context's (fix/h3); on a server without it this test has nothing to drive
        boolean silencesServed;
        try {
            other.alertingAdmin().silences();
            silencesServed = true;
        } catch (ApiException e) {
            if (e.kind() != ApiException.Kind.REJECTED) {
                throw e;
            }
            silencesServed = false;
        }
        assumeTrue(silencesServed, "this server does not serve /silences (the alerting context is not merged)");
        robot.interact(() -> firing().getSelectionModel().select(0));
        robot.clickOn(robot.lookup("#alerts-firing .table-row-cell").nth(0).queryAs(Node.class));
        robot.type(KeyCode.S);
        waitUntil(() -> robot.lookup("#silence-matchers").tryQuery().isPresent());
        assertEquals("alertname=\"replication_lag\"\ninstance=\"" + Workload.INSTANCE + "\"", text("#silence-matchers"));
        robot.interact(() -> ((TextInputControl) node("#silence-reason")).setText("replica rebuild, ticket OPS-77"));
        robot.clickOn("#silence-save");
        waitUntil(() -> "1".equals(single("SELECT count(*) FROM alert_silence WHERE reason = 'replica rebuild, ticket OPS-77'")));
        String matchers = single("SELECT matchers::text FROM alert_silence");
        assertTrue(matchers.contains("replication_lag") && matchers.contains(Workload.INSTANCE), matchers);
        assertEquals("admin", single("SELECT created_by FROM alert_silence"));
        waitUntil(() -> text("#alerts-status").startsWith("Silenced until"));
    }

    // ---- helpers

    private static List<String> tabIds() {
        return robot.lookup(".tab").queryAll().stream().map(Node::getId).filter(java.util.Objects::nonNull).toList();
    }

    private static String single(String sql) throws Exception {
        try (Connection c = server.database(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @SuppressWarnings("unchecked")
    private static TableView<AlertsViewModel.AlertRow> firing() {
        return (TableView<AlertsViewModel.AlertRow>) node("#alerts-firing");
    }

    private static Node node(String query) {
        return robot.lookup(query).query();
    }

    private static String text(String query) {
        Node node = node(query);
        String text = node instanceof Labeled labeled ? labeled.getText() : ((TextInputControl) node).getText();
        return text == null ? "" : text;
    }
}
