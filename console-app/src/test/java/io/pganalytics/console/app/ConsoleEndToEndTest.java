package io.pganalytics.console.app;

import eu.hansolo.tilesfx.Tile;
import io.pganalytics.common.query.QueryStat;
import io.pganalytics.console.common.ConsoleHome;
import io.pganalytics.console.testing.TestServer;
import io.pganalytics.console.testing.Workload;
import io.pganalytics.server.testing.TestServers;
import javafx.scene.Node;
import javafx.scene.chart.XYChart;
import javafx.scene.control.ComboBox;
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
import org.testfx.matcher.control.LabeledMatchers;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console, headless (Monocle), against a real server on embedded PostgreSQL fed through the real ingest API by a
 * registered collector: one session of a DBA, step by step.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleEndToEndTest {
    private static TestServer server;
    private static Workload workload;
    private static CompositionRoot root;
    private static FxRobot robot;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start("console_ui");
        workload = Workload.register(server);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        workload.send(now.minusSeconds(180), 600, 12);
        workload.send(now.minusSeconds(120), 660, 14);
        workload.send(now.minusSeconds(60), 720, 15);
        Path home = Files.createTempDirectory("pga-console-home-");
        Stage stage = FxToolkit.registerPrimaryStage();
        FxToolkit.setupFixture(() -> {
            root = new CompositionRoot(new ConsoleHome(home));
            root.start(stage);
        });
        robot = new FxRobot();
    }

    @AfterAll
    static void stop() throws TimeoutException {
        FxToolkit.setupFixture(() -> root.close());
        FxToolkit.cleanupStages();
        server.close();
    }

    @Test
    @Order(1)
    void firstContactShowsTheServersFingerprintAndPinsIt() {
        robot.interact(() -> ((ComboBox<?>) node("#server-address")).getEditor().setText(server.url()));
        robot.clickOn("#connect");
        waitUntil(() -> node("#trust").isVisible() && !((TextInputControl) node("#fingerprint")).getText().isEmpty());
        assertEquals(server.fingerprint(), ((TextInputControl) node("#fingerprint")).getText());
        robot.clickOn("#trust");
        waitUntil(() -> exists("#username"));
    }

    @Test
    @Order(2)
    void aWrongPasswordShowsAnError() {
        robot.clickOn("#username").write("admin");
        robot.clickOn("#password").write("certainly-not-the-password");
        robot.clickOn("#sign-in");
        waitUntil(() -> !text("#login-error").isEmpty());
        assertTrue(text("#login-error").toLowerCase().contains("password") || text("#login-error").toLowerCase().contains("wrong"),
                text("#login-error"));
    }

    @Test
    @Order(3)
    void signingInShowsTheFleet() {
        robot.interact(() -> ((TextInputControl) node("#password")).setText(TestServers.ADMIN_PASSWORD));
        robot.clickOn("#sign-in");
        waitUntil(() -> exists("#fleet-table") && !fleet().getItems().isEmpty());
        assertEquals(Workload.INSTANCE, ((io.pganalytics.common.query.InstanceSummary) fleet().getItems().getFirst()).name());
        waitUntil(() -> text("#fleet-archiving-alert").equals("1 instance stopped archiving WAL: " + Workload.INSTANCE + " (failing)"));
        waitUntil(() -> robot.lookup(".archiving-failing").tryQuery().isPresent());
    }

    @Test
    @Order(4)
    void enterOpensTheSelectedInstance() {
        robot.interact(() -> {
            fleet().requestFocus();
            fleet().getSelectionModel().select(0);
        });
        robot.type(KeyCode.ENTER);
        waitUntil(() -> exists("#instance-name") && text("#instance-name").equals(Workload.INSTANCE));
        waitUntil(() -> text("#dashboard-state").startsWith("Live"));
    }

    @Test
    @Order(5)
    void aLiveTileChangesWhenNewDataIsIngested() {
        Tile connections = (Tile) node("#tile-connections");
        waitUntil(() -> connections.getValue() == 15);
        workload.send(Instant.now().truncatedTo(ChronoUnit.SECONDS), 3000, 42);
        waitUntil(() -> connections.getValue() == 42);
        Tile tps = (Tile) node("#tile-tps");
        waitUntil(() -> tps.getValue() > 20);
    }

    @Test
    @Order(6)
    void changingTheTimeRangeReloadsTheCharts() {
        XYChart<?, ?> chart = (XYChart<?, ?>) node("#chart-tps");
        waitUntil(() -> !chart.getData().isEmpty() && !chart.getData().getFirst().getData().isEmpty());
        robot.interact(() -> chart.getData().clear());
        robot.clickOn("#range-15min");
        waitUntil(() -> !chart.getData().isEmpty() && !chart.getData().getFirst().getData().isEmpty());
    }

    @Test
    @Order(7)
    void topQueriesShowTheWorkloadsStatement() {
        robot.clickOn((Node) robot.lookup(".tab-label").match(LabeledMatchers.hasText("Queries")).query());
        TableView<?> table = (TableView<?>) node("#queries-table");
        waitUntil(() -> table.getItems().stream().anyMatch(q -> Workload.STATEMENT.equals(((QueryStat) q).text())));
        robot.interact(() -> table.getSelectionModel().select(0));
        waitUntil(() -> ((TextInputControl) node("#query-text")).getText().equals(Workload.STATEMENT));
    }

    @Test
    @Order(8)
    void tablesAndIndexesShowTheUnusedIndex() {
        robot.clickOn((Node) robot.lookup(".tab-label").match(LabeledMatchers.hasText("Tables & indexes")).query());
        TableView<?> indexes = (TableView<?>) node("#indexes-table");
        waitUntil(() -> indexes.getItems().stream().anyMatch(i -> ((io.pganalytics.common.query.IndexStat) i).unused()));
        waitUntil(() -> !((TableView<?>) node("#tables-table")).getItems().isEmpty());
    }

    @Test
    @Order(9)
    void aStoppedServerShowsUnreachableAndTheConsoleRecovers() {
        robot.clickOn("#back");
        waitUntil(() -> exists("#fleet-table") && !fleet().getItems().isEmpty());
        server.stop();
        robot.type(KeyCode.F5);
        waitUntil(() -> text("#fleet-problem").contains("unreachable"));
        server.start();
        robot.type(KeyCode.F5);
        waitUntil(() -> text("#fleet-problem").isEmpty() && !fleet().getItems().isEmpty());
    }

    private static TableView<?> fleet() {
        return (TableView<?>) node("#fleet-table");
    }

    private static Node node(String query) {
        return robot.lookup(query).query();
    }

    private static boolean exists(String query) {
        return robot.lookup(query).tryQuery().isPresent();
    }

    private static String text(String query) {
        Node node = node(query);
        return node instanceof Labeled labeled ? labeled.getText() : ((TextInputControl) node).getText();
    }

    private static void waitUntil(Callable<Boolean> condition) {
        try {
            WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> {
                try {
                    return condition.call();
                } catch (RuntimeException e) {
                    return false;
                }
            });
        } catch (TimeoutException e) {
            throw new AssertionError("timed out waiting", e);
        }
    }
}
