package io.pganalytics.console.admin;

import io.pganalytics.common.keys.DataKeyView;
import io.pganalytics.common.keys.RewrapView;
import io.pganalytics.console.common.Background;
import io.pganalytics.console.common.Notices;
import io.pganalytics.console.common.ui.Theme;
import io.pganalytics.console.testing.FakeConsoleApi;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Labeled;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The keys tab's layout and dialogs (TestFX, headless) over the wire records of a fake client: what the tables and
 * the re-wrap bar show, the server's confirmation (its summary; Cancel sends nothing more), and a refusal shown in the
 * page. The same tab
 * against a real server is {@code KeysEndToEndTest}.
 */
class KeysViewTest {
    private final FakeConsoleApi api = new FakeConsoleApi();
    private Background background;
    private KeysViewModel keys;
    private FxRobot robot;

    @BeforeEach
    void show() throws Exception {
        api.keys = FakeConsoleApi.keyStatus(true, 2, 1, 40, new RewrapView("done", 2, Instant.now(), Instant.now(), 10, 40, 8.0, "node-a", null));
        background = Background.withDaemonThreads(Platform::runLater, new Notices() {
            @Override
            public void info(String title, String sentence) {
            }

            @Override
            public void error(String title, String sentence) {
            }
        });
        Stage stage = FxToolkit.registerPrimaryStage();
        FxToolkit.setupStage(s -> {
            ConfirmDialog dialog = new ConfirmDialog(() -> s);
            keys = new KeysViewModel(new AdminService(api, background, (onAnswer, onCancel) -> onCancel.run(), dialog), dialog);
            Scene scene = new Scene((javafx.scene.Parent) new KeysView(keys).build(), 1280, 800);
            Theme.LIGHT.applyTo(scene);
            s.setScene(scene);
            s.show();
            keys.load();
        });
        robot = new FxRobot();
        waitUntil(() -> !((TableView<?>) node("#keys-data-keys")).getItems().isEmpty());
        assertTrue(stage.isShowing());
    }

    @AfterEach
    void close() throws TimeoutException {
        FxToolkit.setupFixture(() -> keys.stop());
        FxToolkit.cleanupStages();
        background.close();
    }

    @Test
    void theTablesAndTheRewrapBarShowTheServersRecords() {
        assertEquals(2, ((TableView<?>) node("#keys-data-keys")).getItems().size());
        assertEquals(1, ((TableView<?>) node("#keys-kek-versions")).getItems().size());
        assertEquals(1, ((TableView<?>) node("#keys-protected")).getItems().size());
        assertEquals("keystore", text("#keys-provider-kind"));
        assertEquals(0.25, ((ProgressBar) node("#keys-rewrap-progress")).getProgress(), 1e-9);
        assertTrue(text("#keys-rewrap-summary").startsWith("done: 10 of 40 values"), text("#keys-rewrap-summary"));
        assertTrue(node("#keys-retire-data-key").isDisabled(), "no key selected: nothing to retire");
    }

    @Test
    void aRotationShowsTheServersConfirmationAndCancelSendsNothingMore() {
        api.confirmationsRequired = 1;
        api.confirmationAction = "keys.rotate";
        api.confirmationSummary = "Rotate the keys: a new key-encryption key version and a new data key, then a re-wrap of every sealed value.";
        robot.clickOn("#keys-rotate");
        waitUntil(() -> exists("#confirm-cancel"));
        assertEquals(api.confirmationSummary, ((DialogPane) node("#confirm-dialog")).getHeaderText(), "the server's summary");
        robot.clickOn("#confirm-cancel");
        waitUntil(() -> text("#keys-status").equals("Cancelled: nothing was changed."));
        assertEquals(1, api.calls.stream().filter(c -> c.startsWith("rotateKeys")).count(), "only the refused first request: " + api.calls);
        assertFalse(api.calls.stream().anyMatch(c -> c.startsWith("confirmed")), api.calls.toString());
        assertEquals("Data key 2, wrapped by key-encryption key version 1.", text("#keys-current"));
    }

    @Test
    void aRefusedRetireIsShownInThePage() {
        TableView<?> dataKeys = (TableView<?>) node("#keys-data-keys");
        robot.interact(() -> dataKeys.getSelectionModel().select(1));
        assertEquals(1, ((DataKeyView) dataKeys.getSelectionModel().getSelectedItem()).id());
        api.confirmationsRequired = 1;
        api.confirmationAction = "keys.retire-data-key";
        api.confirmationSummary = "Retire data key 1: its wrapped bytes are erased for good.";
        robot.clickOn("#keys-retire-data-key");
        waitUntil(() -> exists("#confirm-ok"));
        assertEquals(api.confirmationSummary, ((DialogPane) node("#confirm-dialog")).getHeaderText());
        robot.clickOn("#confirm-ok");
        waitUntil(() -> !text("#keys-error").isEmpty());
        assertEquals("Retiring data key 1 was refused: Data key 1 is still in use. (auth_signing_key.private_key: 10 values)",
                text("#keys-error"));
        assertTrue(node("#keys-error").isVisible());
    }

    private Node node(String query) {
        return robot.lookup(query).query();
    }

    private boolean exists(String query) {
        return robot.lookup(query).tryQuery().isPresent();
    }

    private String text(String query) {
        return ((Labeled) node(query)).getText();
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
