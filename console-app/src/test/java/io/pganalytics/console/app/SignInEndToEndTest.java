package io.pganalytics.console.app;

import io.pganalytics.common.auth.ProviderSummary;
import io.pganalytics.common.auth.UserView;
import io.pganalytics.console.common.ConsoleHome;
import io.pganalytics.console.testing.TestServer;
import io.pganalytics.server.testing.TestServers;
import javafx.scene.Node;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.ComboBox;
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
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console's sign-in and administration screens, headless, against a real server: the providers it lists, a local
 * sign-in, and an admin creating and disabling a user.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SignInEndToEndTest {
    private static TestServer server;
    private static CompositionRoot root;
    private static FxRobot robot;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start("console_sign_in");
        Path home = Files.createTempDirectory("pga-console-sign-in-");
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
    void theSignInScreenOffersWhatTheServerLists() {
        robot.interact(() -> ((ComboBox<?>) node("#server-address")).getEditor().setText(server.url()));
        robot.clickOn("#connect");
        waitUntil(() -> node("#trust").isVisible());
        robot.clickOn("#trust");
        waitUntil(() -> exists("#username"));
        ChoiceBox<?> providers = (ChoiceBox<?>) node("#provider");
        waitUntil(() -> !providers.getItems().isEmpty());
        assertEquals(List.of(ProviderSummary.local()), List.copyOf(providers.getItems()), "a server with no identity provider: local accounts");
        assertTrue(!node("#provider").getParent().isVisible(), "one password provider: no choice to make");
        assertTrue(!node("#sso-providers").isVisible(), "no single sign-on provider: no buttons");
    }

    @Test
    @Order(2)
    void aLocalAdminSignsInAndSeesTheAdministrationButton() {
        robot.interact(() -> {
            ((TextInputControl) node("#username")).setText("admin");
            ((TextInputControl) node("#password")).setText(TestServers.ADMIN_PASSWORD);
        });
        robot.clickOn("#sign-in");
        waitUntil(() -> exists("#fleet-table"));
        assertTrue(node("#nav-admin").isVisible());
    }

    @Test
    @Order(3)
    void anAdminCreatesAUserAndDisablesIt() {
        robot.clickOn("#nav-admin");
        TableView<?> users = (TableView<?>) node("#admin-users");
        waitUntil(() -> users.getItems().stream().anyMatch(u -> ((UserView) u).username().equals("admin")));
        robot.interact(() -> {
            ((TextInputControl) node("#new-user-username")).setText("olga");
            ((TextInputControl) node("#new-user-display-name")).setText("Olga Operator");
            ((TextInputControl) node("#new-user-password")).setText("Olga-Console-Pass-1234");
        });
        robot.clickOn("#new-user-create");
        waitUntil(() -> text("#users-status").equals("Created olga."));
        waitUntil(() -> users.getItems().stream().anyMatch(u -> ((UserView) u).username().equals("olga")));
        robot.interact(() -> {
            for (int i = 0; i < users.getItems().size(); i++) {
                if (((UserView) users.getItems().get(i)).username().equals("olga")) {
                    users.getSelectionModel().select(i);
                }
            }
        });
        robot.clickOn("#user-toggle");
        waitUntil(() -> users.getItems().stream().anyMatch(u -> ((UserView) u).username().equals("olga") && !((UserView) u).enabled()));
        robot.clickOn((Node) robot.lookup(".tab-label").match(LabeledMatchers.hasText("Identity providers")).query());
        waitUntil(() -> node("#admin-providers").isVisible());
    }

    static Node node(String query) {
        return robot.lookup(query).query();
    }

    static boolean exists(String query) {
        return robot.lookup(query).tryQuery().isPresent();
    }

    static String text(String query) {
        Node node = node(query);
        return node instanceof Labeled labeled ? labeled.getText() : ((TextInputControl) node).getText();
    }

    static void waitUntil(Callable<Boolean> condition) {
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
