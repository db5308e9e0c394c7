package io.pganalytics.console.alerts;

import io.pganalytics.common.alerting.AlertEvent;
import io.pganalytics.common.alerting.AlertView;
import io.pganalytics.common.alerting.Matcher;
import io.pganalytics.common.alerting.NotificationView;
import io.pganalytics.common.auth.Role;
import io.pganalytics.console.common.Background;
import io.pganalytics.console.common.Notices;
import io.pganalytics.console.common.ui.Theme;
import io.pganalytics.console.testing.FakeAlertsApi;
import io.pganalytics.console.testing.FakeConsoleApi;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Labeled;
import javafx.scene.control.TableView;
import javafx.scene.control.TextInputControl;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Alerts screen (TestFX, headless) over a fake client: the key A acknowledges the selected alert's incident, the
 * key S opens the silence dialog prefilled from it and saves the silence, a live event joins the list, and the incident
 * detail shows its alerts, hints and notifications. With {@code -Dpga.screenshots=DIR} it saves docs/images/25-alerts.png
 * and 26-silence-dialog.png.
 */
class AlertsViewTest {
    private final FakeConsoleApi api = new FakeConsoleApi();
    private Background background;
    private AlertsViewModel model;
    private FxRobot robot;
    private Stage stage;

    private void show(Role role) throws Exception {
        Instant now = Instant.now();
        FakeAlertsApi alerts = api.alerts;
        alerts.viewer = role == Role.VIEWER;
        alerts.incidents.add(FakeAlertsApi.incident(7, 1, "shop-primary", "critical", "Lock waits and deadlocks on shop-primary",
                now.minusSeconds(900)));
        alerts.incidents.add(FakeAlertsApi.incident(8, 2, "billing", "warning", "Connections near the limit on billing",
                now.minusSeconds(400)));
        alerts.alerts.add(FakeAlertsApi.firing(1, 1, "shop-primary", "lock_waits", "warning", now.minusSeconds(900), 7L));
        alerts.alerts.add(FakeAlertsApi.firing(2, 1, "shop-primary", "deadlocks", "critical", now.minusSeconds(700), 7L));
        alerts.alerts.add(FakeAlertsApi.firing(3, 2, "billing", "connection_saturation", "warning", now.minusSeconds(400), 8L));
        alerts.alerts.add(FakeAlertsApi.alert(4, 2, "billing", "cache_hit_ratio", AlertView.RESOLVED, "warning", now.minusSeconds(7200),
                now.minusSeconds(5400), 6L));
        alerts.notifications.put(7L, List.of(
                new NotificationView(70, 7L, 1L, 3L, "dba-mail", null, "firing", null, "sent", 1, now.minusSeconds(870),
                        now.minusSeconds(869), 250, null, null),
                new NotificationView(71, 7L, 2L, 4L, "ops-webhook", null, "firing", null, "sent", 2, now.minusSeconds(870),
                        now.minusSeconds(850), 200, null, null),
                new NotificationView(72, 7L, 3L, 3L, "dba-mail", "olga@example.com", "escalated", 1, "pending", 0, now.minusSeconds(10),
                        null, null, null, null)));
        background = Background.withDaemonThreads(Platform::runLater, new Notices() {
            @Override
            public void info(String title, String sentence) {
            }

            @Override
            public void error(String title, String sentence) {
            }
        });
        stage = FxToolkit.registerPrimaryStage();
        FxToolkit.setupStage(s -> {
            model = new AlertsViewModel(new AlertsService(api, background), Set.of(role), Clock.systemUTC(), new SilenceDialog(() -> s));
            Scene scene = new Scene((javafx.scene.Parent) new AlertsView(model).build(), 1500, 940);
            Theme.LIGHT.applyTo(scene);
            s.setScene(scene);
            s.show();
            model.start();
        });
        robot = new FxRobot();
        waitUntil(() -> firing().getItems().size() == 3);
    }

    @AfterEach
    void close() throws TimeoutException {
        if (model != null) {
            FxToolkit.setupFixture(() -> model.stop());
        }
        FxToolkit.cleanupStages();
        if (background != null) {
            background.close();
        }
    }

    @Test
    void theKeyAAcknowledgesTheSelectedAlertsIncident() throws Exception {
        show(Role.OPERATOR);
        robot.interact(() -> firing().getSelectionModel().select(0));
        waitUntil(() -> text("#incident-title").startsWith("Critical incident 7"));
        waitUntil(() -> ((TableView<?>) node("#incident-notifications")).getItems().size() == 3);
        assertEquals(2, ((TableView<?>) node("#incident-alerts")).getItems().size());
        assertEquals(2, ((TableView<?>) node("#incident-hints")).getItems().size());
        api.alerts.live.state(io.pganalytics.console.api.LiveListener.State.LIVE, "Live.");
        waitUntil(() -> text("#alerts-live").startsWith("Live"));
        shoot("25-alerts");
        robot.clickOn(robot.lookup("#alerts-firing .table-row-cell").nth(0).queryAs(Node.class));
        robot.type(KeyCode.A);
        waitUntil(() -> api.alerts.calls.contains("acknowledgeAlert 2"));
        waitUntil(() -> text("#alerts-status").startsWith("Incident 7 on shop-primary acknowledged by olga"));
        waitUntil(() -> firing().getItems().getFirst().incident().equals("#7 acknowledged"));
        assertTrue(node("#incident-acknowledge").isDisabled(), "acknowledged: the button is off");
    }

    @Test
    void theKeySOpensTheSilenceDialogPrefilledFromTheAlertAndSavesIt() throws Exception {
        show(Role.OPERATOR);
        robot.interact(() -> firing().getSelectionModel().select(1));
        robot.clickOn(robot.lookup("#alerts-firing .table-row-cell").nth(1).queryAs(Node.class));
        robot.type(KeyCode.S);
        waitUntil(() -> robot.lookup("#silence-matchers").tryQuery().isPresent());
        assertEquals("alertname=\"connection_saturation\"\ninstance=\"billing\"", ((TextInputControl) node("#silence-matchers")).getText());
        robot.interact(() -> ((TextInputControl) node("#silence-reason")).setText("pool resize tonight, ticket OPS-1234"));
        robot.interact(() -> ((javafx.scene.control.ComboBox<?>) node("#silence-duration")).getEditor().setText("4h"));
        shootWindow("26-silence-dialog", node("#silence-matchers").getScene().getWindow());
        Instant before = Instant.now();
        robot.clickOn("#silence-save");
        waitUntil(() -> api.alerts.silences.size() == 1);
        waitUntil(() -> robot.lookup("#silence-matchers").tryQuery().isEmpty());
        assertEquals(List.of(new Matcher("alertname", "=", "connection_saturation"), new Matcher("instance", "=", "billing")),
                api.alerts.silences.getFirst().matchers());
        assertEquals("pool resize tonight, ticket OPS-1234", api.alerts.silences.getFirst().reason());
        Duration length = Duration.between(before, api.alerts.silences.getFirst().endsAt());
        assertTrue(length.compareTo(Duration.ofHours(4).minusMinutes(1)) > 0 && length.compareTo(Duration.ofHours(4).plusMinutes(1)) < 0,
                length.toString());
        waitUntil(() -> text("#alerts-status").startsWith("Silenced until"));
    }

    @Test
    void aLiveEventJoinsTheFiringList() throws Exception {
        show(Role.VIEWER);
        AlertView fired = FakeAlertsApi.firing(9, 2, "billing", "replication_lag", "critical", Instant.now(), 8L);
        Thread.ofVirtual().start(() -> api.alerts.live.alert(new AlertEvent(fired, null))).join();
        waitUntil(() -> firing().getItems().size() == 4 && firing().getItems().getFirst().id() == 9);
        assertTrue(node("#alerts-acknowledge").isDisabled(), "viewers: acknowledge is off");
        assertTrue(node("#alerts-silence").isDisabled(), "viewers: silence is off");
    }

    @SuppressWarnings("unchecked")
    private TableView<AlertsViewModel.AlertRow> firing() {
        return (TableView<AlertsViewModel.AlertRow>) node("#alerts-firing");
    }

    private Node node(String query) {
        return robot.lookup(query).query();
    }

    private String text(String query) {
        String text = ((Labeled) node(query)).getText();
        return text == null ? "" : text;
    }

    static void waitUntil(Callable<Boolean> condition) {
        try {
            WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, condition);
        } catch (TimeoutException e) {
            throw new AssertionError("the condition did not hold within 20 s", e);
        }
    }

    /** With -Dpga.screenshots=DIR: the window as it is now, as DIR/name.png. */
    private void shoot(String name) throws Exception {
        shootWindow(name, stage);
    }

    private void shootWindow(String name, Window window) throws Exception {
        String dir = System.getProperty("pga.screenshots");
        if (dir == null || dir.isBlank()) {
            return;
        }
        WaitForAsyncUtils.waitForFxEvents();
        AtomicReference<WritableImage> image = new AtomicReference<>();
        robot.interact(() -> image.set(window.getScene().snapshot(null)));
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
