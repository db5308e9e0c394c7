package io.pganalytics.console.app;

import io.pganalytics.common.backup.BackupView;
import io.pganalytics.console.backups.BackupsViewModel;
import io.pganalytics.console.common.ConsoleHome;
import io.pganalytics.console.testing.TestServer;
import javafx.scene.control.Labeled;
import javafx.scene.control.ListView;
import javafx.scene.control.TabPane;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import static io.pganalytics.console.app.BackupsEndToEndTest.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Backups screen on the embedded default, headless, against a real server that backs up its own embedded
 * PostgreSQL: back up now, its progress followed to the end, the backup in the catalogue with its lights, then the
 * restore wizard's timeline and a dry run to the latest point with the server's plan. With {@code -Dpga.screenshots=DIR}
 * it saves docs/images/20-backups.png and 21-restore-wizard.png.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BackupsScreenshotTest {
    private static final Logger LOG = LoggerFactory.getLogger(BackupsScreenshotTest.class);

    private static TestServer server;
    private static CompositionRoot root;
    private static FxRobot robot;
    private static Stage stage;
    private static Path restoreTarget;

    @BeforeAll
    static void start() throws Exception {
        // under `verify` the packaged server jar's manifest puts the PostgreSQL binaries on the class path a second time,
        // and the server's embedded database (zonky's default resolver) refuses to choose: this test runs under `test`
        int copies = Collections.list(BackupsScreenshotTest.class.getClassLoader().getResources("postgres-linux-x86_64.txz")).size();
        assumeTrue(copies <= 1, "the embedded PostgreSQL binaries are on the class path " + copies
                + " times (the packaged server jar's manifest adds them): run this test with `test`, not `verify`");
        // the embedded default: an empty database.url starts the server's own PostgreSQL, the one the embedded engine backs up;
        // the schedule's first backup is put off so that the test's "back up now" is the first
        server = TestServer.start("console_backups_embedded", Map.of("database.url", "", "backup.schedule.first-delay", "1h"));
        Path home = Files.createTempDirectory("pga-console-backups-shots-");
        restoreTarget = home.resolve("restored");
        stage = FxToolkit.registerPrimaryStage();
        FxToolkit.setupFixture(() -> {
            root = new CompositionRoot(new ConsoleHome(home), page -> {
                throw new IllegalStateException("no browser in this test");
            }, (suggested, format) -> Optional.empty());
            root.start(stage);
            stage.setWidth(1500);
            stage.setHeight(940);
        });
        robot = new FxRobot();
        BackupsEndToEndTest.signIn(robot, server);
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
    void backUpNowIsFollowedToTheEndAndTheBackupIsCatalogued() throws Exception {
        robot.clickOn("#nav-backups");
        TableView<?> catalogue = (TableView<?>) robot.lookup("#backups-catalogue").query();
        robot.clickOn("#backup-now");
        waitUntil(() -> text("#backup-progress-text").startsWith("Backup"));
        LOG.info("following: {}", text("#backup-progress-text"));
        waitUntil(() -> text("#backup-progress-text").contains("succeeded") || text("#backup-progress-text").contains("failed"));
        assertTrue(text("#backup-progress-text").contains("succeeded"), text("#backup-progress-text"));
        waitUntil(() -> catalogue.getItems().stream().anyMatch(r -> BackupView.COMPLETE.equals(((BackupsViewModel.BackupRow) r).state())));
        BackupsViewModel.BackupRow row = (BackupsViewModel.BackupRow) catalogue.getItems().getFirst();
        assertEquals("full", row.kind());
        assertFalse(row.consistent().isBlank());
        robot.interact(() -> catalogue.getSelectionModel().select(0));
        waitUntil(() -> text("#backup-verification-summary").startsWith("Backup " + row.id()));
        shoot("20-backups");
    }

    @Test
    @Order(2)
    void theWizardShowsTheWindowAndADryRunToTheLatestPointShowsThePlan() throws Exception {
        robot.interact(() -> {
            TabPane tabs = (TabPane) robot.lookup("#backups-tabs").query();
            tabs.getTabs().stream().filter(t -> "tab-restore".equals(t.getId())).findFirst().ifPresent(t -> tabs.getSelectionModel().select(t));
        });
        robot.clickOn("#backups-refresh");
        waitUntil(() -> text("#restore-choice").startsWith("The latest point") || !text("#restore-error").isEmpty());
        // until the embedded engine hands windows, plans and restores to the embedded repository (fix/h1 + fix/h2), the
        // server says so; the wizard against a real plan is checked once it does
        assumeFalse(text("#restore-error").startsWith("Reading the recovery windows"),
                "the server cannot list recovery windows in this build: " + text("#restore-error"));
        assertEquals("", text("#restore-error"));
        robot.interact(() -> ((TextInputControl) robot.lookup("#restore-target").query()).setText(restoreTarget.toString()));
        robot.clickOn("#restore-dry-run");
        waitUntil(() -> !text("#restore-plan-summary").isEmpty() || !text("#restore-error").isEmpty());
        assertEquals("", text("#restore-error"));
        assertFalse(((ListView<?>) robot.lookup("#restore-steps").query()).getItems().isEmpty(), "the plan's steps");
        assertFalse(robot.lookup("#restore-start").query().isDisabled(), "the restore is offered after the dry run");
        assertFalse(Files.exists(restoreTarget), "a dry run writes nothing");
        shoot("21-restore-wizard");
    }

    private static String text(String query) {
        Object node = robot.lookup(query).query();
        String text = node instanceof Labeled labeled ? labeled.getText() : ((TextInputControl) node).getText();
        return text == null ? "" : text;
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
        WritableImage shot = image.get();
        int width = (int) shot.getWidth();
        int height = (int) shot.getHeight();
        BufferedImage buffered = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        PixelReader pixels = shot.getPixelReader();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                buffered.setRGB(x, y, pixels.getArgb(x, y) & 0xffffff);
            }
        }
        ImageIO.write(buffered, "png", Files.createDirectories(Path.of(dir)).resolve(name + ".png").toFile());
    }
}
