package io.pganalytics.console.app;

import com.fasterxml.jackson.databind.JsonNode;
import eu.hansolo.tilesfx.Tile;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.common.query.InstanceSummary;
import io.pganalytics.console.common.ConsoleHome;
import javafx.scene.Node;
import javafx.scene.control.Label;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Not a test: drives the real console against a running {@code ./pganalytics demo} (its data directory given with
 * {@code -Dpga.demo.dir}) exactly as a person would (connect with the demo's certificate, sign in with the demo's
 * password, open the demo instance) and saves the live dashboard and the query insights into
 * {@code -Dpga.screenshots}. Run it with console-app/demo-screenshot.sh under Xvfb.
 */
@EnabledIfSystemProperty(named = "pga.demo.dir", matches = ".+")
class DemoScreenshot {
    private FxRobot robot;
    private Stage stage;

    @Test
    void theDemoOnTheConsole() throws Exception {
        Path demo = Path.of(System.getProperty("pga.demo.dir"));
        Path out = Files.createDirectories(Path.of(System.getProperty("pga.screenshots", "docs/images")));
        JsonNode runtime = JsonMapping.newMapper().readTree(demo.resolve("server/runtime.json").toFile());
        String password = Files.readString(demo.resolve("admin-password")).strip();
        stage = FxToolkit.registerPrimaryStage();
        AtomicReference<CompositionRoot> root = new AtomicReference<>();
        Path home = Files.createTempDirectory("pga-console-demo-");
        FxToolkit.setupFixture(() -> {
            root.set(new CompositionRoot(new ConsoleHome(home)));
            root.get().start(stage, new StartupArguments(Optional.of(runtime.get("apiUrl").asText()),
                    Optional.of(runtime.get("certificateSha256").asText())));
            stage.setWidth(1440);
            stage.setHeight(900);
        });
        robot = new FxRobot();
        waitUntil(() -> robot.lookup("#username").tryQuery().isPresent());
        robot.interact(() -> ((TextInputControl) node("#username")).setText("admin"));
        robot.interact(() -> ((TextInputControl) node("#password")).setText(password));
        robot.clickOn("#sign-in");
        waitUntil(() -> robot.lookup("#fleet-table").tryQuery().isPresent() && !((TableView<?>) node("#fleet-table")).getItems().isEmpty());
        robot.interact(() -> {
            TableView<?> fleet = (TableView<?>) node("#fleet-table");
            for (int i = 0; i < fleet.getItems().size(); i++) {
                if (((InstanceSummary) fleet.getItems().get(i)).name().equals("demo")) {
                    fleet.getSelectionModel().select(i);
                }
            }
            fleet.requestFocus();
        });
        robot.type(javafx.scene.input.KeyCode.ENTER);
        waitUntil(() -> ((Label) node("#dashboard-state")).getText().startsWith("Live"));
        Tile tps = (Tile) node("#tile-tps");
        waitUntil(() -> tps.getValue() > 0);
        Thread.sleep(30_000); // let the live stream draw a stretch of the sparkline
        shoot(out, "10-demo-dashboard");
        robot.clickOn((Node) robot.lookup(".tab-label").match(LabeledMatchers.hasText("Queries")).query());
        waitUntil(() -> !((TableView<?>) node("#queries-table")).getItems().isEmpty());
        robot.interact(() -> ((TableView<?>) node("#queries-table")).getSelectionModel().select(0));
        Thread.sleep(1500);
        shoot(out, "11-demo-queries");
        FxToolkit.setupFixture(() -> root.get().close());
        FxToolkit.cleanupStages();
    }

    private void shoot(Path dir, String name) throws Exception {
        WaitForAsyncUtils.waitForFxEvents();
        AtomicReference<WritableImage> image = new AtomicReference<>();
        robot.interact(() -> image.set(stage.getScene().snapshot(null)));
        WritableImage snapshot = image.get();
        BufferedImage buffered = new BufferedImage((int) snapshot.getWidth(), (int) snapshot.getHeight(), BufferedImage.TYPE_INT_RGB);
        PixelReader pixels = snapshot.getPixelReader();
        for (int y = 0; y < buffered.getHeight(); y++) {
            for (int x = 0; x < buffered.getWidth(); x++) {
                buffered.setRGB(x, y, pixels.getArgb(x, y));
            }
        }
        ImageIO.write(buffered, "png", dir.resolve(name + ".png").toFile());
    }

    private Node node(String query) {
        return robot.lookup(query).query();
    }

    private static void waitUntil(Callable<Boolean> condition) throws Exception {
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> {
            try {
                return condition.call();
            } catch (RuntimeException e) {
                return false;
            }
        });
    }
}
