package io.pganalytics.console.app;

import io.pganalytics.common.keys.DataKeyView;
import io.pganalytics.common.keys.ProtectedItemView;
import io.pganalytics.console.common.ConsoleHome;
import io.pganalytics.console.testing.TestServer;
import io.pganalytics.server.testing.TestServers;
import javafx.scene.Node;
import javafx.scene.control.ComboBox;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Labeled;
import javafx.scene.control.TableView;
import javafx.scene.control.TextInputControl;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
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

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The administration's Keys tab, headless, against a real server with its own key store: the keys it lists, a rotation
 * through the server's confirmation dialog that makes a new current data key, and the server's refusal to retire a data key in
 * use shown in the page. With {@code -Dpga.screenshots=DIR} it also saves the page (docs/images/16-keys.png).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KeysEndToEndTest {
    private static TestServer server;
    private static CompositionRoot root;
    private static FxRobot robot;
    private static Stage stage;
    private static int firstKey;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start("console_keys");
        Path home = Files.createTempDirectory("pga-console-keys-");
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
    void theKeysTabListsTheServersProviderDataKeysAndWhatTheySeal() {
        robot.clickOn("#nav-admin");
        robot.clickOn((Node) robot.lookup(".tab-label").match(LabeledMatchers.hasText("Keys")).query());
        TableView<?> dataKeys = (TableView<?>) node("#keys-data-keys");
        waitUntil(() -> !dataKeys.getItems().isEmpty());
        DataKeyView current = currentKey(dataKeys);
        firstKey = current.id();
        assertEquals("keystore", text("#keys-provider-kind"));
        assertTrue(text("#keys-provider-location").endsWith("kek.p12"), text("#keys-provider-location"));
        assertTrue(text("#keys-current").startsWith("Data key " + firstKey + ", wrapped by key-encryption key version "), text("#keys-current"));
        assertFalse(((TableView<?>) node("#keys-kek-versions")).getItems().isEmpty());
        assertTrue(((TableView<?>) node("#keys-protected")).getItems().stream().allMatch(p -> ((ProtectedItemView) p).records() >= 0));
        assertEquals("", text("#keys-error"));
    }

    @Test
    @Order(2)
    void rotatingThroughTheConfirmationMakesANewCurrentDataKey() throws Exception {
        robot.clickOn("#keys-rotate");
        waitUntil(() -> showing("#confirm-ok") != null);
        assertTrue(((DialogPane) showing("#confirm-dialog")).getHeaderText().startsWith("Rotate the keys: a new key-encryption key version"),
                "the server's summary: " + ((DialogPane) showing("#confirm-dialog")).getHeaderText());
        robot.clickOn(showing("#confirm-ok"));
        TableView<?> dataKeys = (TableView<?>) node("#keys-data-keys");
        waitUntil(() -> text("#keys-status").startsWith("Data key ") && currentKey(dataKeys).id() != firstKey);
        int now = currentKey(dataKeys).id();
        assertTrue(now > firstKey, "a new data key: " + now + " after " + firstKey);
        assertTrue(dataKeys.getItems().stream().anyMatch(k -> ((DataKeyView) k).id() == firstKey && "active".equals(((DataKeyView) k).state())),
                "the old data key stays active");
        assertTrue(text("#keys-current").startsWith("Data key " + now + ","), text("#keys-current"));
        waitUntil(() -> !text("#keys-rewrap-summary").startsWith("running"));
        shoot("16-keys");
    }

    @Test
    @Order(3)
    void retiringTheDataKeyInUseShowsTheServersRefusal() {
        TableView<?> dataKeys = (TableView<?>) node("#keys-data-keys");
        DataKeyView current = currentKey(dataKeys);
        robot.interact(() -> dataKeys.getSelectionModel().select(dataKeys.getItems().indexOf(current)));
        robot.clickOn("#keys-retire-data-key");
        waitUntil(() -> showing("#confirm-ok") != null);
        assertTrue(((DialogPane) showing("#confirm-dialog")).getHeaderText().startsWith("Retire data key " + current.id() + ": "),
                "the server's summary: " + ((DialogPane) showing("#confirm-dialog")).getHeaderText());
        robot.clickOn(showing("#confirm-ok"));
        waitUntil(() -> !text("#keys-error").isEmpty());
        assertTrue(text("#keys-error").startsWith("Retiring data key " + current.id() + " was refused: "), text("#keys-error"));
        assertEquals("current", currentKey(dataKeys).state());
        assertEquals(current.id(), currentKey(dataKeys).id(), "nothing changed");
    }

    private static DataKeyView currentKey(TableView<?> dataKeys) {
        return dataKeys.getItems().stream().map(k -> (DataKeyView) k).filter(k -> "current".equals(k.state())).findFirst().orElseThrow();
    }

    /** With -Dpga.screenshots=DIR: the window as it is now, as DIR/name.png. */
    private static void shoot(String name) throws Exception {
        String dir = System.getProperty("pga.screenshots");
        if (dir == null || dir.isBlank()) {
            return;
        }
        WaitForAsyncUtils.waitForFxEvents();
        AtomicReference<WritableImage> image = new AtomicReference<>();
        robot.interact(() -> image.set(stage.getScene().snapshot(null)));
        int width = (int) image.get().getWidth();
        int height = (int) image.get().getHeight();
        BufferedImage buffered = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        PixelReader pixels = image.get().getPixelReader();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                buffered.setRGB(x, y, pixels.getArgb(x, y));
            }
        }
        ImageIO.write(buffered, "png", Files.createDirectories(Path.of(dir)).resolve(name + ".png").toFile());
    }

    /** A dialog's node in a window that shows now (the dialog's window may be listed a moment before it shows). */
    private static Node showing(String query) {
        return robot.lookup(query).queryAll().stream().filter(n -> n.isVisible() && n.getScene() != null && n.getScene().getWindow() != null
                && n.getScene().getWindow().isShowing()).findFirst().orElse(null);
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
