package io.pganalytics.console.app;

import io.pganalytics.common.auth.Role;
import io.pganalytics.console.admin.AdminService;
import io.pganalytics.console.admin.ServerConfirmation;
import io.pganalytics.console.alerting.AlertingService;
import io.pganalytics.console.alerting.AlertingTabs;
import io.pganalytics.console.alerting.RulesViewModel;
import io.pganalytics.console.api.ConsoleApi;
import io.pganalytics.console.api.HttpConnector;
import io.pganalytics.console.api.ServerAddress;
import io.pganalytics.console.common.Background;
import io.pganalytics.console.common.ConsoleHome;
import io.pganalytics.console.common.Notices;
import io.pganalytics.console.common.ui.Theme;
import io.pganalytics.console.testing.TestServer;
import io.pganalytics.server.testing.TestServers;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Labeled;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableView;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Files;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Rules tab against a real server (TestFX, headless): a rule built in the editor is saved through the server's
 * {@code /api/v1/rules}, listed from the server, and deleted after the server's own confirmation; the server's
 * refusal of a rule naming an unknown signal is shown in its words. (The server of this branch has the rules API but
 * not the engine's signals: the rule is anomaly-based, which names no signal.)
 */
class AlertRulesEndToEndTest {
    private static TestServer server;
    private static ConsoleApi api;
    private static Background background;
    private static FxRobot robot;
    private static final List<String> confirmed = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start("console-alert-rules");
        ServerAddress address = ServerAddress.parse(server.url());
        HttpConnector connector = new HttpConnector(new ConsoleHome(Files.createTempDirectory("pga-console-alert-rules-")));
        connector.trust(connector.probe(address));
        api = connector.open(address);
        api.login("admin", TestServers.ADMIN_PASSWORD);
        background = Background.withDaemonThreads(Platform::runLater, new Notices() {
            @Override
            public void info(String title, String sentence) {
            }

            @Override
            public void error(String title, String sentence) {
            }
        });
        ServerConfirmation confirm = (asked, onConfirm, onCancel) -> {
            confirmed.add(asked.summary());
            onConfirm.run();
        };
        AlertingService service = new AlertingService(api, background, new AdminService(api, background, (a, c) -> c.run(), confirm));
        FxToolkit.registerPrimaryStage();
        FxToolkit.setupStage(stage -> {
            TabPane tabs = new TabPane();
            tabs.getTabs().setAll(new AlertingTabs(service, Set.of(Role.ADMIN), Clock.systemUTC()).tabs());
            Scene scene = new Scene(tabs, 1400, 900);
            Theme.LIGHT.applyTo(scene);
            stage.setScene(scene);
            stage.show();
        });
        robot = new FxRobot();
    }

    @AfterAll
    static void stop() throws TimeoutException {
        FxToolkit.cleanupStages();
        background.close();
        api.close();
        server.close();
    }

    @Test
    void aRuleBuiltInTheEditorIsSavedListedFromTheServerAndDeletedAfterItsConfirmation() {
        robot.clickOn("#rule-new");
        robot.clickOn("#rule-name").write("TpsAnomaly");
        robot.interact(() -> combo("#rule-part-kind-0").setValue("anomaly"));
        waitUntil(() -> robot.lookup("#rule-part-series-0").tryQuery().isPresent());
        robot.clickOn("#rule-part-series-0").write("tps");
        robot.clickOn("#rule-summary").eraseText(20).write("{{instance}}: tps anomaly");
        robot.clickOn("#rule-save");
        waitUntil(() -> !text("#rule-status").isEmpty() || !text("#rule-error").isEmpty());
        assertEquals("Saved TpsAnomaly.", text("#rule-status"), text("#rule-error"));
        waitUntil(() -> table().getItems().stream().anyMatch(r -> r.name().equals("TpsAnomaly")));
        assertTrue(text("#rules-summary").contains("enabled"), text("#rules-summary"));

        robot.clickOn("#rule-new");
        robot.clickOn("#rule-name").write("Unknown");
        robot.interact(() -> combo("#rule-part-signal-0").setValue("no_such_signal"));
        robot.clickOn("#rule-part-value-0").write("1");
        robot.clickOn("#rule-save");
        waitUntil(() -> text("#rule-error").contains("no_such_signal"));

        robot.interact(() -> table().getSelectionModel().select(table().getItems().stream()
                .filter(r -> r.name().equals("TpsAnomaly")).findFirst().orElseThrow()));
        waitUntil(() -> text("#rule-title").startsWith("TpsAnomaly"));
        robot.clickOn("#rule-delete");
        waitUntil(() -> table().getItems().stream().noneMatch(r -> r.name().equals("TpsAnomaly")));
        assertEquals(1, confirmed.size(), confirmed.toString());
        assertTrue(api.alertingAdmin().rules().stream().noneMatch(r -> r.name().equals("TpsAnomaly")));
    }

    @SuppressWarnings("unchecked")
    private static TableView<RulesViewModel.RuleRow> table() {
        return (TableView<RulesViewModel.RuleRow>) node("#rules-table");
    }

    @SuppressWarnings("unchecked")
    private static ComboBox<String> combo(String query) {
        return (ComboBox<String>) node(query);
    }

    private static Node node(String query) {
        return robot.lookup(query).query();
    }

    private static String text(String query) {
        String text = ((Labeled) node(query)).getText();
        return text == null ? "" : text;
    }

    private static void waitUntil(Callable<Boolean> condition) {
        try {
            WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, condition);
        } catch (TimeoutException e) {
            throw new AssertionError("the condition did not hold within 30 s", e);
        }
    }
}
