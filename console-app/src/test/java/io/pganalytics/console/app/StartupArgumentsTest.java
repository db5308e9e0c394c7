package io.pganalytics.console.app;

import io.pganalytics.console.common.ConsoleHome;
import io.pganalytics.console.testing.TestServer;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --server URL --trust-fingerprint F}: the console connects at start-up, trusting exactly that certificate. */
class StartupArgumentsTest {
    private static TestServer server;
    private static Stage stage;
    private static FxRobot robot;
    private CompositionRoot root;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start("console_args");
        stage = FxToolkit.registerPrimaryStage();
        robot = new FxRobot();
    }

    @AfterAll
    static void stop() throws Exception {
        FxToolkit.cleanupStages();
        server.close();
    }

    @AfterEach
    void closeRoot() throws Exception {
        if (root != null) {
            FxToolkit.setupFixture(() -> root.close());
        }
    }

    private void startWith(StartupArguments arguments) throws Exception {
        var home = Files.createTempDirectory("pga-console-args-");
        FxToolkit.setupFixture(() -> {
            root = new CompositionRoot(new ConsoleHome(home));
            root.start(stage, arguments);
        });
    }

    @Test
    void theGivenFingerprintIsTrustedWithoutAskingAndTheSignInScreenFollows() throws Exception {
        startWith(new StartupArguments(Optional.of(server.url()), Optional.of(server.fingerprint().toLowerCase())));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> robot.lookup("#username").tryQuery().isPresent());
        assertFalse(robot.lookup("#trust").tryQuery().map(javafx.scene.Node::isVisible).orElse(false), "nobody was asked");
    }

    @Test
    void anotherFingerprintIsPutToThePersonWithAWarning() throws Exception {
        startWith(new StartupArguments(Optional.of(server.url()), Optional.of("AA:BB:CC")));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> robot.lookup("#trust").tryQuery().map(javafx.scene.Node::isVisible).orElse(false));
        assertTrue(robot.lookup("#username").tryQuery().isEmpty(), "not connected before the person decides");
    }

    @Test
    void argumentsAreParsedAndBadOnesRefused() {
        StartupArguments parsed = StartupArguments.parse(List.of("--server", "https://h:8443/api/v1", "--trust-fingerprint=AB:CD"));
        assertEquals(Optional.of("https://h:8443/api/v1"), parsed.server());
        assertEquals(Optional.of("AB:CD"), parsed.trustFingerprint());
        assertThrows(IllegalArgumentException.class, () -> StartupArguments.parse(List.of("--trust-fingerprint", "AB")));
        assertThrows(IllegalArgumentException.class, () -> StartupArguments.parse(List.of("--sever", "x")));
    }
}
