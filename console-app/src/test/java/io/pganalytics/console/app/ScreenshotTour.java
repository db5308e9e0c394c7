package io.pganalytics.console.app;

import io.pganalytics.common.query.InstanceSummary;
import io.pganalytics.console.common.ConsoleHome;
import io.pganalytics.console.testing.TestServer;
import io.pganalytics.console.testing.Workload;
import io.pganalytics.server.testing.TestServers;
import javafx.scene.Node;
import javafx.scene.control.ComboBox;
import javafx.scene.control.TableView;
import javafx.scene.control.TextInputControl;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.matcher.control.LabeledMatchers;
import org.testfx.util.WaitForAsyncUtils;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Not a test: a tour that saves a PNG of every screen into {@code -Dpga.screenshots=DIR}. Run it under Xvfb with
 * {@code console-app/screenshots.sh} (docs/CONSOLE.md); skipped in ordinary builds.
 */
@EnabledIfSystemProperty(named = "pga.screenshots", matches = ".+")
class ScreenshotTour {
    private FxRobot robot;
    private Stage stage;

    @Test
    void everyScreen() throws Exception {
        Path out = Files.createDirectories(Path.of(System.getProperty("pga.screenshots")));
        try (TestServer server = TestServer.start("console_tour")) {
            Workload orders = Workload.register(server);
            Workload billing = orders.target("billing-primary", "7301234567890000001", "db2.example.com");
            Workload replica = orders.target("orders-replica", "7301234567890000002", "db3.example.com");
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            for (int minute = 14; minute >= 1; minute--) {
                Instant at = now.minusSeconds(60L * minute);
                long wave = Math.round(900 + 400 * Math.sin(minute / 2.0));
                orders.send(at, wave, 20 + minute % 7);
                billing.send(at, wave / 3, 8 + minute % 3);
            }
            replica.send(now.minusSeconds(14 * 60), 10, 3);

            Path home = Files.createTempDirectory("pga-console-tour-");
            stage = FxToolkit.registerPrimaryStage();
            AtomicReference<CompositionRoot> root = new AtomicReference<>();
            FxToolkit.setupFixture(() -> {
                root.set(new CompositionRoot(new ConsoleHome(home)));
                root.get().start(stage);
                stage.setWidth(1440);
                stage.setHeight(900);
            });
            robot = new FxRobot();

            robot.interact(() -> ((ComboBox<?>) node("#server-address")).getEditor().setText(server.url()));
            shoot(out, "01-connect");
            robot.clickOn("#connect");
            waitUntil(() -> node("#trust").isVisible() && !((TextInputControl) node("#fingerprint")).getText().isEmpty());
            shoot(out, "02-trust-certificate");
            robot.clickOn("#trust");
            waitUntil(() -> robot.lookup("#username").tryQuery().isPresent());
            robot.interact(() -> ((TextInputControl) node("#username")).setText("admin"));
            robot.interact(() -> ((TextInputControl) node("#password")).setText("wrong-password"));
            robot.clickOn("#sign-in");
            waitUntil(() -> !((javafx.scene.control.Label) node("#login-error")).getText().isEmpty());
            shoot(out, "03-sign-in");
            robot.interact(() -> ((TextInputControl) node("#password")).setText(TestServers.ADMIN_PASSWORD));
            robot.clickOn("#sign-in");
            waitUntil(() -> robot.lookup("#fleet-table").tryQuery().isPresent() && ((TableView<?>) node("#fleet-table")).getItems().size() == 3);
            shoot(out, "04-fleet");

            robot.interact(() -> {
                TableView<?> fleet = (TableView<?>) node("#fleet-table");
                for (int i = 0; i < fleet.getItems().size(); i++) {
                    if (((InstanceSummary) fleet.getItems().get(i)).name().equals(Workload.INSTANCE)) {
                        fleet.getSelectionModel().select(i);
                    }
                }
                fleet.requestFocus();
            });
            robot.type(javafx.scene.input.KeyCode.ENTER);
            waitUntil(() -> robot.lookup("#tile-connections").tryQuery().isPresent());
            orders.send(Instant.now().truncatedTo(ChronoUnit.SECONDS), 1500, 31);
            Thread.sleep(2500);
            shoot(out, "05-dashboard");
            robot.clickOn("#theme-toggle");
            Thread.sleep(800);
            shoot(out, "06-dashboard-dark");
            robot.clickOn("#theme-toggle");

            robot.clickOn((Node) robot.lookup(".tab-label").match(LabeledMatchers.hasText("Queries")).query());
            waitUntil(() -> !((TableView<?>) node("#queries-table")).getItems().isEmpty());
            robot.interact(() -> ((TableView<?>) node("#queries-table")).getSelectionModel().select(0));
            Thread.sleep(1500);
            shoot(out, "07-queries");

            robot.clickOn((Node) robot.lookup(".tab-label").match(LabeledMatchers.hasText("Tables & indexes")).query());
            waitUntil(() -> !((TableView<?>) node("#indexes-table")).getItems().isEmpty());
            Thread.sleep(800);
            shoot(out, "08-tables-and-indexes");

            robot.clickOn((Node) robot.lookup(".tab-label").match(LabeledMatchers.hasText("Overview")).query());
            server.stop();
            waitUntil(() -> ((javafx.scene.control.Label) node("#dashboard-state")).getText().contains("unreachable"));
            shoot(out, "09-server-unreachable");
            FxToolkit.setupFixture(() -> root.get().close());
            FxToolkit.cleanupStages();
        }
    }

    private void shoot(Path dir, String name) throws Exception {
        WaitForAsyncUtils.waitForFxEvents();
        AtomicReference<WritableImage> image = new AtomicReference<>();
        robot.interact(() -> image.set(stage.getScene().snapshot(null)));
        write(image.get(), dir.resolve(name + ".png"));
    }

    private static void write(WritableImage image, Path file) throws IOException {
        int width = (int) image.getWidth();
        int height = (int) image.getHeight();
        BufferedImage buffered = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        PixelReader pixels = image.getPixelReader();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                buffered.setRGB(x, y, pixels.getArgb(x, y));
            }
        }
        ImageIO.write(buffered, "png", file.toFile());
    }

    private Node node(String query) {
        return robot.lookup(query).query();
    }

    private static void waitUntil(Callable<Boolean> condition) throws Exception {
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> {
            try {
                return condition.call();
            } catch (RuntimeException e) {
                return false;
            }
        });
    }
}
