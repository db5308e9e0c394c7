package io.pganalytics.console.app;

import io.pganalytics.console.common.ConsoleHome;
import io.pganalytics.console.testing.TestServer;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.Browser;
import io.pganalytics.server.testing.Keycloak;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Labeled;
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

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Single sign-on from the console, end to end: a real server over HTTPS with the OIDC provider of a real Keycloak
 * (the server harness's fixture), the console headless, and in the place of the system browser an HTTP client that
 * follows the same redirects, logs in on Keycloak's form (keeping Keycloak's Secure cookies itself) and comes back to
 * the console's loopback: first with a forged state (refused), then with the real answer.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SingleSignOnEndToEndTest {
    private static TestServer server;
    private static CompositionRoot root;
    private static FxRobot robot;
    /** What the stand-in browser saw at the loopback: "status page" per request. */
    private static final List<String> loopbackPages = new CopyOnWriteArrayList<>();
    private static final List<Throwable> browserFailures = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        Keycloak keycloak = Keycloak.get();
        Map<String, String> overrides = new HashMap<>();
        overrides.put("auth.providers.0.name", "keycloak");
        overrides.put("auth.providers.0.kind", "oidc");
        overrides.put("auth.providers.0.display-name", "Keycloak");
        overrides.put("auth.providers.0.settings.issuer", keycloak.issuer());
        overrides.put("auth.providers.0.settings.clientId", Keycloak.OIDC_CLIENT);
        overrides.put("auth.providers.0.secrets.clientSecret", Keycloak.OIDC_SECRET);
        overrides.put("auth.providers.0.role-mapping.rules.0.attribute", "groups");
        overrides.put("auth.providers.0.role-mapping.rules.0.value", Keycloak.OPERATORS);
        overrides.put("auth.providers.0.role-mapping.rules.0.role", "operator");
        server = TestServer.start("console_sso", overrides);
        Path home = Files.createTempDirectory("pga-console-sso-");
        Stage stage = FxToolkit.registerPrimaryStage();
        FxToolkit.setupFixture(() -> {
            root = new CompositionRoot(new ConsoleHome(home), SingleSignOnEndToEndTest::browse);
            root.start(stage);
        });
        robot = new FxRobot();
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

    /**
     * The system browser's stand-in: on its own thread (opening a browser does not wait for the person), from the
     * server's start URL through Keycloak's login form to the server's callback, whose redirect goes to the loopback.
     */
    private static void browse(URI start) {
        Thread thread = new Thread(() -> {
            try {
                Browser browser = new Browser(ApiClient.trusting(server.server().tls().orElseThrow().leaf()));
                Browser.Page login = browser.follow(browser.get(start), uri -> false);
                Browser.Page answer = browser.keycloakLogin(login, Keycloak.User.OLIVIA.username, Keycloak.User.OLIVIA.password);
                Browser.Page atServer = browser.get(answer.location().orElseThrow());
                URI loopback = atServer.location().orElseThrow();
                String forged = loopback.toString().replaceFirst("state=[^&]*", "state=forged-by-another-page");
                Browser.Page refused = browser.get(URI.create(forged));
                loopbackPages.add(refused.status() + " " + refused.body());
                Browser.Page accepted = browser.get(loopback);
                loopbackPages.add(accepted.status() + " " + accepted.body());
            } catch (RuntimeException | AssertionError e) {
                browserFailures.add(e);
            }
        }, "stand-in-browser");
        thread.setDaemon(true);
        thread.start();
    }

    @Test
    @Order(1)
    void theSignInScreenHasAButtonForKeycloak() {
        robot.interact(() -> ((ComboBox<?>) robot.lookup("#server-address").query()).getEditor().setText(server.url()));
        robot.clickOn("#connect");
        waitUntil(() -> robot.lookup("#trust").query().isVisible()
                && !((TextInputControl) robot.lookup("#fingerprint").query()).getText().isEmpty());
        robot.clickOn("#trust");
        waitUntil(() -> robot.lookup("#sso-keycloak").tryQuery().isPresent());
        assertEquals("Sign in with Keycloak", ((Labeled) robot.lookup("#sso-keycloak").query()).getText());
    }

    @Test
    @Order(2)
    void signingInWithKeycloakGoesThroughTheBrowserAndTheLoopbackToTheFleet() {
        robot.clickOn("#sso-keycloak");
        waitUntil(() -> !browserFailures.isEmpty() || robot.lookup("#fleet-table").tryQuery().isPresent());
        assertTrue(browserFailures.isEmpty(), () -> "the stand-in browser failed: " + browserFailures);
        String account = ((Labeled) robot.lookup("#account").query()).getText();
        assertTrue(account.startsWith("olivia (operator)"), account);
        assertEquals(2, loopbackPages.size(), loopbackPages::toString);
        assertTrue(loopbackPages.get(0).startsWith("400 ") && loopbackPages.get(0).contains("was refused"),
                "a callback with another state is refused: " + loopbackPages.get(0));
        assertTrue(loopbackPages.get(1).startsWith("200 ") && loopbackPages.get(1).contains("You can close this window"),
                loopbackPages.get(1));
    }

    private static void waitUntil(Callable<Boolean> condition) {
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
