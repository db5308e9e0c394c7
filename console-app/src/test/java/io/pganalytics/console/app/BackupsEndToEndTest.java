package io.pganalytics.console.app;

import io.pganalytics.common.backup.BackupSettings;
import io.pganalytics.console.api.ConsoleApi;
import io.pganalytics.console.api.HttpConnector;
import io.pganalytics.console.api.ServerAddress;
import io.pganalytics.console.common.ConsoleHome;
import io.pganalytics.console.testing.TestServer;
import io.pganalytics.server.testing.TestServers;
import javafx.scene.Node;
import javafx.scene.control.ComboBox;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Labeled;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextInputControl;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Backups screen, headless, against a real server on an external PostgreSQL without pgBackRest configured (so it
 * cannot back up, and says so): the health and its problem, "back up now" refused with the server's reason, lowering
 * retention confirmed through the one confirmation dialog (Cancel changes nothing, OK saves), and the restore wizard's
 * dry run refused in the server's words. The embedded default, with real backups, is driven by the screenshot test once the engine is there.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BackupsEndToEndTest {
    private static TestServer server;
    private static CompositionRoot root;
    private static FxRobot robot;
    private static Stage stage;
    private static ConsoleApi other;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start("console_backups");
        Path home = Files.createTempDirectory("pga-console-backups-");
        stage = FxToolkit.registerPrimaryStage();
        FxToolkit.setupFixture(() -> {
            root = new CompositionRoot(new ConsoleHome(home), page -> {
                throw new IllegalStateException("no browser in this test");
            }, (suggested, format) -> Optional.empty());
            root.start(stage);
            stage.setWidth(1440);
            stage.setHeight(900);
        });
        robot = new FxRobot();
        signIn(robot, server);
        HttpConnector connector = new HttpConnector(new ConsoleHome(Files.createTempDirectory("pga-console-backups-other-")));
        ServerAddress address = ServerAddress.parse(server.url());
        connector.trust(connector.probe(address));
        other = connector.open(address);
        other.login("admin", TestServers.ADMIN_PASSWORD);
    }

    static void signIn(FxRobot robot, TestServer server) {
        robot.interact(() -> ((ComboBox<?>) lookup(robot, "#server-address")).getEditor().setText(server.url()));
        robot.clickOn("#connect");
        waitUntil(() -> lookup(robot, "#trust").isVisible() && !((TextInputControl) lookup(robot, "#fingerprint")).getText().isEmpty());
        robot.clickOn("#trust");
        waitUntil(() -> robot.lookup("#username").tryQuery().isPresent());
        robot.interact(() -> {
            ((TextInputControl) lookup(robot, "#username")).setText("admin");
            ((TextInputControl) lookup(robot, "#password")).setText(TestServers.ADMIN_PASSWORD);
        });
        robot.clickOn("#sign-in");
        waitUntil(() -> robot.lookup("#fleet-table").tryQuery().isPresent());
    }

    @AfterAll
    static void stop() throws TimeoutException {
        if (other != null) {
            other.close();
        }
        if (root != null) {
            FxToolkit.setupFixture(() -> root.close());
            FxToolkit.cleanupStages();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(1)
    void theScreenShowsFailingHealthWithTheServersProblem() {
        robot.clickOn("#nav-backups");
        waitUntil(() -> text("#backups-health").startsWith("Backups failing"));
        javafx.scene.layout.VBox problems = (javafx.scene.layout.VBox) node("#backups-problems");
        List<String> said = problems.getChildren().stream().map(n -> ((Labeled) n).getText()).toList();
        assertTrue(said.stream().anyMatch(p -> p.contains("pgBackRest")), "the problem: " + said);
    }

    @Test
    @Order(2)
    void backUpNowIsRefusedWithTheServersReason() {
        robot.clickOn("#backup-now");
        waitUntil(() -> text("#backup-progress-text").startsWith("Back up now was refused"));
        assertTrue(text("#backup-progress-text").contains("pgBackRest"), text("#backup-progress-text"));
    }

    @Test
    @Order(3)
    void loweringRetentionIsConfirmedOnceAndCancelChangesNothing() {
        select("tab-schedule");
        int kept = other.backups().settings().retainFull();
        waitUntil(() -> text("#backup-retain-full").equals(Integer.toString(kept)));
        robot.interact(() -> ((TextInputControl) node("#backup-retain-full")).setText(Integer.toString(kept - 1)));
        robot.clickOn("#backup-settings-save");
        waitUntil(BackupsEndToEndTest::dialogShown);
        String summary = ((DialogPane) showing("#confirm-dialog")).getHeaderText();
        assertTrue(summary != null && !summary.isBlank(), "the server's summary");
        robot.clickOn(showing("#confirm-cancel"));
        waitUntil(() -> text("#backup-settings-status").equals("Cancelled: nothing was changed."));
        assertEquals(kept, other.backups().settings().retainFull(), "Cancel changes nothing");

        robot.clickOn("#backup-settings-save");
        waitUntil(BackupsEndToEndTest::dialogShown);
        robot.clickOn(showing("#confirm-ok"));
        waitUntil(() -> text("#backup-settings-status").startsWith("Schedule and retention saved"));
        BackupSettings saved = other.backups().settings();
        assertEquals(kept - 1, saved.retainFull());
        assertTrue(showing("#confirm-ok") == null, "one dialog, not two");
    }

    @Test
    @Order(4)
    void aDryRunWithoutAnyWindowIsRefusedInTheServersWords() {
        select("tab-restore");
        waitUntil(() -> text("#restore-choice").startsWith("No recovery window yet"));
        robot.interact(() -> ((TextInputControl) node("#restore-target")).setText("/tmp/pga-never-restored"));
        robot.clickOn("#restore-dry-run");
        waitUntil(() -> !text("#restore-error").isEmpty());
        assertTrue(text("#restore-error").startsWith("The dry run was refused: "), text("#restore-error"));
        assertTrue(node("#restore-start").isDisabled(), "no restore without a successful dry run");
    }

    // ---- helpers

    private static void select(String tabId) {
        robot.interact(() -> {
            TabPane tabs = (TabPane) node("#backups-tabs");
            tabs.getTabs().stream().filter(t -> tabId.equals(t.getId())).findFirst().ifPresent(t -> tabs.getSelectionModel().select(t));
        });
        WaitForAsyncUtils.waitForFxEvents();
    }

    private static boolean dialogShown() {
        return showing("#confirm-ok") != null;
    }

    private static Node showing(String query) {
        return robot.lookup(query).queryAll().stream().filter(n -> n.isVisible() && n.getScene() != null && n.getScene().getWindow() != null
                && n.getScene().getWindow().isShowing()).findFirst().orElse(null);
    }

    private static Node node(String query) {
        return lookup(robot, query);
    }

    private static Node lookup(FxRobot robot, String query) {
        return robot.lookup(query).query();
    }

    private static String text(String query) {
        Node node = node(query);
        String text = node instanceof Labeled labeled ? labeled.getText() : ((TextInputControl) node).getText();
        return text == null ? "" : text;
    }

    static void waitUntil(Callable<Boolean> condition) {
        try {
            WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> {
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
