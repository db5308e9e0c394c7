package io.pganalytics.console.app;

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
 * The administration's Settings tab, headless, against a real server: the retention it shows with its sources, a
 * lengthening saved at once, and a shortening that shows the server's confirmation summary, is applied only once
 * confirmed, and is then what the server reports. With {@code -Dpga.screenshots=DIR} it also saves the page with the
 * confirmation dialog over it (docs/images/19-settings.png).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SettingsEndToEndTest {
    private static TestServer server;
    private static CompositionRoot root;
    private static FxRobot robot;
    private static Stage stage;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start("console_settings", java.util.Map.of("maintenance.retention.families.statements.raw", "30d"));
        Path home = Files.createTempDirectory("pga-console-settings-");
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
    void theSettingsTabShowsTheRetentionAndWhereEachValueComesFrom() {
        robot.clickOn("#nav-admin");
        robot.clickOn((Node) robot.lookup(".tab-label").match(LabeledMatchers.hasText("Settings")).query());
        TableView<?> families = (TableView<?>) node("#settings-families");
        waitUntil(() -> !families.getItems().isEmpty());
        assertEquals("14d", text("#settings-raw"));
        assertEquals("90d", text("#settings-minute"));
        assertEquals("730d", text("#settings-hour"));
        assertEquals("configuration file", text("#settings-raw-source"));
        assertEquals("30d", row(families, "statements").raw());
        assertEquals("configuration file; as for every family", row(families, "statements").source());
        assertEquals("as for every family", row(families, "database").source());
    }

    @Test
    @Order(2)
    void aLongerRetentionIsSavedAtOnceAndShowsWhoChangedIt() {
        robot.interact(() -> ((TextInputControl) node("#settings-hour")).setText("1000d"));
        robot.clickOn("#settings-save");
        waitUntil(() -> text("#settings-status").startsWith("Retention for every family saved"));
        assertFalse(shown("#confirm-dialog").isPresent(), "a longer retention deletes nothing: no confirmation");
        assertTrue(text("#settings-hour-source").startsWith("changed by admin on "), text("#settings-hour-source"));
        assertEquals("1000d", row((TableView<?>) node("#settings-families"), "database").hour());
    }

    @Test
    @Order(3)
    void aShorterRetentionShowsWhatWillBeDeletedAndAppliesOnlyOnceConfirmed() throws Exception {
        robot.interact(() -> ((TextInputControl) node("#settings-raw")).setText("7d"));
        robot.clickOn("#settings-save");
        waitUntil(SettingsEndToEndTest::confirmationShown);
        String summary = ((DialogPane) shown("#confirm-dialog").orElseThrow()).getHeaderText();
        assertEquals("Raw samples older than 7 days (now 14 days) of every family except statements will be deleted at the next "
                + "retention run.", summary, "statements keep their own 30 days");
        shoot("19-settings");
        robot.clickOn(shown("#confirm-cancel").orElseThrow());
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("14d", rawOnServer(), "cancelled: the server still keeps 14 days");

        robot.clickOn("#settings-save");
        waitUntil(SettingsEndToEndTest::confirmationShown);
        robot.clickOn(shown("#confirm-ok").orElseThrow());
        waitUntil(() -> text("#settings-status").startsWith("Retention for every family saved"));
        assertEquals("7d", text("#settings-raw"));
        assertEquals("7d", rawOnServer());
        assertEquals("7d", row((TableView<?>) node("#settings-families"), "database").raw());
        assertEquals("30d", row((TableView<?>) node("#settings-families"), "statements").raw());
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

    /** The default raw retention as the server reports it to a separate admin session. */
    private static String rawOnServer() {
        io.pganalytics.server.testing.ApiClient api = new io.pganalytics.server.testing.ApiClient(server.server());
        return api.get("/admin/settings/retention", api.loginAdmin()).json().at("/defaults/raw/value").asText();
    }

    private static io.pganalytics.console.admin.SettingsViewModel.FamilyRow row(TableView<?> table, String family) {
        return table.getItems().stream().map(r -> (io.pganalytics.console.admin.SettingsViewModel.FamilyRow) r)
                .filter(r -> r.family().equals(family)).findFirst().orElseThrow();
    }
    /** With -Dpga.screenshots=DIR: the window as it is now, as DIR/name.png. */
    private static void shoot(String name) throws Exception {
        String dir = System.getProperty("pga.screenshots");
        if (dir == null || dir.isBlank()) {
            return;
        }
        WaitForAsyncUtils.waitForFxEvents();
        AtomicReference<WritableImage> image = new AtomicReference<>();
        robot.interact(() -> image.set(snapshotWithWindows()));
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

    /** The main window with any dialog over it, where it is on screen (the confirmation is its own window). */
    private static WritableImage snapshotWithWindows() {
        WritableImage main = stage.getScene().snapshot(null);
        javafx.scene.canvas.Canvas canvas = new javafx.scene.canvas.Canvas(main.getWidth(), main.getHeight());
        canvas.getGraphicsContext2D().drawImage(main, 0, 0);
        for (javafx.stage.Window window : javafx.stage.Window.getWindows()) {
            if (window != stage && window.isShowing() && window.getScene() != null) {
                WritableImage dialog = window.getScene().snapshot(null);
                double x = Math.max(0, (main.getWidth() - dialog.getWidth()) / 2);
                double y = Math.max(0, (main.getHeight() - dialog.getHeight()) / 3);
                canvas.getGraphicsContext2D().drawImage(dialog, x, y);
            }
        }
        return canvas.snapshot(null, null);
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
