package io.pganalytics.console.app;

import io.pganalytics.common.collectors.CollectorView;
import io.pganalytics.common.collectors.RegistrationTokenState;
import io.pganalytics.common.collectors.RegistrationTokenView;
import io.pganalytics.console.common.ConsoleHome;
import io.pganalytics.console.testing.TestServer;
import io.pganalytics.server.testing.TestServers;
import javafx.scene.Node;
import javafx.scene.control.ComboBox;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Labeled;
import javafx.scene.control.TableView;
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
import org.testfx.matcher.control.LabeledMatchers;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The administration's Collectors tab, headless, against a real server: a registration token issued and shown once,
 * a collector registering with it through the real API, and revoking a token and the collector through the
 * confirmation dialog.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CollectorsEndToEndTest {
    private static TestServer server;
    private static CompositionRoot root;
    private static FxRobot robot;
    private static Stage stage;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start("console_collectors");
        Path home = Files.createTempDirectory("pga-console-collectors-");
        stage = FxToolkit.registerPrimaryStage();
        FxToolkit.setupFixture(() -> {
            root = new CompositionRoot(new ConsoleHome(home));
            root.start(stage);
            if (System.getProperty("pga.screenshots") != null) {
                stage.setWidth(1440);
                stage.setHeight(900);
            }
        });
        robot = new FxRobot();
        robot.interact(() -> ((ComboBox<?>) node("#server-address")).getEditor().setText(server.url()));
        robot.clickOn("#connect");
        waitUntil(() -> node("#trust").isVisible() && !((TextInputControl) node("#fingerprint")).getText().isEmpty());
        robot.clickOn("#trust");
        waitUntil(() -> exists("#username"));
        robot.interact(() -> {
            ((TextInputControl) node("#username")).setText("admin");
            ((TextInputControl) node("#password")).setText(TestServers.ADMIN_PASSWORD);
        });
        robot.clickOn("#sign-in");
        waitUntil(() -> exists("#fleet-table"));
    }

    @AfterAll
    static void stop() throws TimeoutException {
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
    void anIssuedTokenIsShownOnceAndRegistersACollectorThatTheTabLists() {
        robot.clickOn("#nav-admin");
        robot.clickOn((Node) robot.lookup(".tab-label").match(LabeledMatchers.hasText("Collectors")).query());
        robot.interact(() -> ((TextInputControl) node("#token-note")).setText("db7, OPS-1234"));
        robot.clickOn("#token-create");
        waitUntil(() -> !text("#token-secret").isEmpty());
        String secret = text("#token-secret");
        assertTrue(secret.startsWith("pgart_"), secret);
        TableView<?> tokens = (TableView<?>) node("#registration-tokens-table");
        waitUntil(() -> tokens.getItems().size() == 1);
        RegistrationTokenView listed = (RegistrationTokenView) tokens.getItems().get(0);
        assertEquals("db7, OPS-1234", listed.note());
        assertEquals("1", text("#token-max-uses"), "one collector by default");
        assertEquals(1, listed.maxUses());
        assertEquals(1, listed.usesLeft());
        assertFalse(tokens.getItems().toString().contains(secret), "the list never holds the secret");

        io.pganalytics.server.testing.ApiClient api = new io.pganalytics.server.testing.ApiClient(server.server());
        io.pganalytics.server.testing.ApiClient.Response registered = api.post("/collectors/register", null,
                "{\"token\":\"" + secret + "\",\"name\":\"db7\",\"hostname\":\"db7.example.com\",\"collectorVersion\":\"1.0\"}");
        assertEquals(201, registered.status(), registered.body());
        robot.clickOn("#token-secret-hide");
        assertEquals("", text("#token-secret"), "forgotten once read");
        assertFalse(node("#token-secret").getParent().getParent().isVisible(), "hidden once read");
        robot.clickOn("#collectors-refresh");
        TableView<?> collectors = (TableView<?>) node("#collectors-table");
        waitUntil(() -> collectors.getItems().size() == 1);
        assertEquals("db7.example.com", ((CollectorView) collectors.getItems().get(0)).hostname());
        waitUntil(() -> ((RegistrationTokenView) tokens.getItems().get(0)).state() == RegistrationTokenState.USED);
        assertEquals(0, ((RegistrationTokenView) tokens.getItems().get(0)).usesLeft());
    }

    @Test
    @Order(2)
    void revokingATokenAndTheCollectorGoesThroughTheConfirmation() {
        robot.clickOn("#token-create");
        TableView<?> tokens = (TableView<?>) node("#registration-tokens-table");
        waitUntil(() -> tokens.getItems().size() == 2);
        robot.interact(() -> tokens.getSelectionModel().select(0));
        robot.clickOn("#token-revoke");
        waitUntil(CollectorsEndToEndTest::confirmationShown);
        robot.clickOn(shown("#confirm-ok").orElseThrow());
        waitUntil(() -> text("#collectors-status").endsWith("revoked."));
        waitUntil(() -> ((RegistrationTokenView) tokens.getItems().get(0)).state() == RegistrationTokenState.REVOKED);
        assertEquals(RegistrationTokenState.USED, ((RegistrationTokenView) tokens.getItems().get(1)).state());

        TableView<?> collectors = (TableView<?>) node("#collectors-table");
        waitUntil(() -> collectors.getItems().size() == 1);
        assertEquals("db7", ((CollectorView) collectors.getItems().get(0)).name());
        robot.interact(() -> collectors.getSelectionModel().select(0));
        robot.clickOn("#collector-revoke");
        waitUntil(CollectorsEndToEndTest::confirmationShown);
        assertTrue(((DialogPane) shown("#confirm-dialog").orElseThrow()).getHeaderText().contains("refused at once on every server"),
                "the server's own summary");
        robot.clickOn(shown("#confirm-ok").orElseThrow());
        waitUntil(() -> text("#collectors-status").equals("Collector db7 (db7.example.com) revoked."));
        waitUntil(() -> collectors.getItems().isEmpty());
        io.pganalytics.server.testing.ApiClient api = new io.pganalytics.server.testing.ApiClient(server.server());
        assertEquals(0, api.get("/collectors", api.loginAdmin()).json().get("total").asInt(), "the server no longer lists it");
    }

    private static boolean confirmationShown() {
        return shown("#confirm-cancel").isPresent() && shown("#confirm-ok").isPresent();
    }

    /** The node in a window that is showing now: a dialog closed before stays in the lookup's windows for a while. */
    private static java.util.Optional<Node> shown(String query) {
        return robot.lookup(query).queryAll().stream()
                .filter(n -> n.isVisible() && n.getScene() != null && n.getScene().getWindow() != null && n.getScene().getWindow().isShowing())
                .findFirst();
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
            WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> {
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
