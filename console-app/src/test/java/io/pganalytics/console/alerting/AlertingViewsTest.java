package io.pganalytics.console.alerting;

import io.pganalytics.common.alerting.AlertRule;
import io.pganalytics.common.alerting.Condition;
import io.pganalytics.common.alerting.MaintenanceWindow;
import io.pganalytics.common.alerting.PreviewFiring;
import io.pganalytics.common.alerting.Receiver;
import io.pganalytics.common.alerting.Recurrence;
import io.pganalytics.common.alerting.RuleEffectiveness;
import io.pganalytics.common.alerting.RulePreview;
import io.pganalytics.common.alerting.RuleScope;
import io.pganalytics.common.alerting.SuppressedAlert;
import io.pganalytics.common.alerting.TuningSuggestion;
import io.pganalytics.common.auth.Role;
import io.pganalytics.console.common.Background;
import io.pganalytics.console.common.Notices;
import io.pganalytics.console.common.ui.Theme;
import io.pganalytics.console.testing.FakeConsoleApi;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.chart.BarChart;
import javafx.scene.control.Labeled;
import javafx.scene.control.PasswordField;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableView;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
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
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The alerting tabs (Rules, Maintenance, On-call, Effectiveness) and Administration's Notifications tab, TestFX headless
 * over the fake client (the server's alerting routes are written at the same time on other branches). With
 * {@code -Dpga.screenshots=DIR} it saves DIR/27-alert-rule-editor.png (the editor with its 7-day preview) and
 * DIR/28-oncall.png.
 */
class AlertingViewsTest {
    private final FakeConsoleApi api = new FakeConsoleApi();
    private Background background;
    private FxRobot robot;
    private Stage stage;

    private void show(boolean admin) throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        AlertingFixtures.fleet(api);
        api.alerting.rules.add(AlertingFixtures.lockWaits(5));
        api.alerting.rules.add(new AlertRule(6L, "ConnectionSaturation", "Connections near max_connections.", "connection_saturation", true,
                AlertRule.CRITICAL, Condition.threshold("connection_saturation_ratio", ">", 0.9), "5m", RuleScope.all(), Map.of(), "{{instance}}: {{value}}",
                null, 1, "admin", now, 1));
        api.alerting.rules.add(new AlertRule(7L, "CollectorSilent", "No data from the collector.", "collector_silent", true, AlertRule.CRITICAL,
                new Condition(Condition.ABSENCE, "collected", null, null, "5m", null, null, null), "0s", RuleScope.all(), Map.of(), "{{instance}} is silent",
                null, 1, "admin", now, 1));
        api.alerting.preview = preview(now);
        api.alerting.schedules.add(AlertingFixtures.primary());
        api.alerting.contacts.addAll(AlertingFixtures.contacts());
        api.alerting.now = onCall(now);
        api.alerting.windows.add(new MaintenanceWindow(40L, "Sunday vacuum", new RuleScope(List.of(), Map.of("env", "prod")), now.minus(Duration.ofDays(20)),
                null, new Recurrence(List.of("SUN"), "02:00", "2h", "Europe/Paris"), "vacuum full of the big tables", "op", now, 1, false,
                now.plus(Duration.ofDays(3))));
        api.alerting.suppressed.put(40L, List.of(new SuppressedAlert(AlertingFixtures.alert(70, "LockWaits", "shop-primary"), "maintenance", 40,
                now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(2)).plusSeconds(1800))));
        api.alerting.effectiveness = List.of(new RuleEffectiveness(5, "LockWaits", 14, 14, 2, 12, 12 / 14.0, 900.0, 5400.0, true,
                List.of(new TuningSuggestion("for", "A for of 3m would have kept 2 of 14 firings, both marked useful", "3m"))));
        api.alerting.receivers.add(new Receiver(3L, "dba-mail", Receiver.EMAIL, Map.of("to", "dba@example.com", "smtpHost", "mail.example.com"),
                null, List.of("password"), now, 1));
        background = Background.withDaemonThreads(Platform::runLater, new Notices() {
            @Override
            public void info(String title, String sentence) {
            }

            @Override
            public void error(String title, String sentence) {
            }
        });
        AlertingService service = AlertingFixtures.service(api, background, new ArrayList<>(), new boolean[]{true});
        FxToolkit.registerPrimaryStage();
        FxToolkit.setupStage(s -> {
            stage = s;
            TabPane tabs = new TabPane();
            tabs.setId("alerting-host");
            tabs.getTabs().setAll(new AlertingTabs(service, Set.of(admin ? Role.ADMIN : Role.VIEWER), Clock.systemUTC()).tabs());
            ReceiversViewModel receivers = new ReceiversViewModel(service);
            javafx.scene.control.Tab notifications = new javafx.scene.control.Tab("Notifications", new ReceiversView(receivers).build());
            notifications.setId("tab-notifications");
            tabs.getTabs().add(notifications);
            receivers.load();
            Scene scene = new Scene((Parent) tabs, 1400, 900);
            Theme.LIGHT.applyTo(scene);
            s.setScene(scene);
            s.show();
        });
        robot = new FxRobot();
        waitUntil(() -> table("#rules-table").getItems().size() == 3);
    }

    /** Firings on most days of the last week, on three instances. */
    private static RulePreview preview(Instant now) {
        List<PreviewFiring> firings = new ArrayList<>();
        String[] names = {"shop-primary", "shop-replica", "billing"};
        int[] perDay = {1, 0, 3, 2, 0, 4, 1};
        for (int day = 0; day < perDay.length; day++) {
            for (int i = 0; i < perDay[day]; i++) {
                Instant fired = now.minus(Duration.ofDays(7 - day)).plus(Duration.ofHours(2 + 5L * i));
                firings.add(new PreviewFiring(1 + i % 3, names[i % 3], fired, fired.plus(Duration.ofMinutes(6 + 7L * i)), 2.0 + i + day));
            }
        }
        return new RulePreview(now.minus(Duration.ofDays(7)), now, 4, 4, firings, false);
    }

    private static List<io.pganalytics.common.alerting.OnCallNow> onCall(Instant now) {
        var alice = new io.pganalytics.common.alerting.OnCallShift(11, "alice", "alice@example.com", "weekly", now.minus(Duration.ofDays(2)),
                now.plus(Duration.ofHours(5)));
        var bob = new io.pganalytics.common.alerting.OnCallShift(12, "bob", "bob@example.com", "weekly", now.plus(Duration.ofHours(5)),
                now.plus(Duration.ofDays(7)).plus(Duration.ofHours(5)));
        var carol = new io.pganalytics.common.alerting.OnCallShift(13, "carol", "carol@example.com", "override", now.plus(Duration.ofDays(3)),
                now.plus(Duration.ofDays(3)).plus(Duration.ofHours(12)));
        var alice2 = new io.pganalytics.common.alerting.OnCallShift(11, "alice", "alice@example.com", "weekly", now.plus(Duration.ofDays(7)).plus(Duration.ofHours(5)),
                now.plus(Duration.ofDays(14)).plus(Duration.ofHours(5)));
        var dave = new io.pganalytics.common.alerting.OnCallShift(14, "dave", "dave@example.com", "weekend", now.minus(Duration.ofHours(1)),
                now.plus(Duration.ofDays(1)));
        return List.of(new io.pganalytics.common.alerting.OnCallNow(7, "DBA primary", alice, List.of(bob, carol, alice2)),
                new io.pganalytics.common.alerting.OnCallNow(8, "DBA secondary", dave, List.of(alice)));
    }

    @AfterEach
    void close() throws TimeoutException {
        FxToolkit.cleanupStages();
        if (background != null) {
            background.close();
        }
    }

    @Test
    void theRuleEditorShowsWhatTheRuleWouldHaveFiredOverSevenDaysBeforeItIsSaved() throws Exception {
        show(true);
        robot.interact(() -> table("#rules-table").getSelectionModel().select(2));
        waitUntil(() -> text("#rule-title").startsWith("LockWaits"));
        robot.clickOn("#rule-for").eraseText(2).write("2m");
        robot.clickOn("#rule-preview");
        waitUntil(() -> table("#rule-preview-table").getItems().size() == 11);
        @SuppressWarnings("unchecked")
        BarChart<String, Number> chart = (BarChart<String, Number>) node("#rule-preview-chart");
        waitUntil(() -> chart.getData().getFirst().getData().size() == 8);
        assertTrue(text("#rule-preview-summary").startsWith("It would have fired 11 times on 3 of 4 instances"), text("#rule-preview-summary"));
        assertEquals("2m", api.alerting.previewed.getLast().forDuration());
        assertEquals("1m", api.alerting.rules.get(0).forDuration(), "the preview saved nothing");
        shoot("27-alert-rule-editor");
        robot.clickOn("#rule-save");
        waitUntil(() -> !text("#rule-status").isEmpty() || !text("#rule-error").isEmpty());
        assertEquals("Saved LockWaits.", text("#rule-status"), text("#rule-error") + " / calls " + api.alerting.calls);
        assertEquals("2m", api.alerting.rules.stream().filter(r -> r.id() == 5).findFirst().orElseThrow().forDuration());
    }

    @Test
    void aViewerSeesTheRuleEditorReadOnlyButMayPreview() throws Exception {
        show(false);
        robot.interact(() -> table("#rules-table").getSelectionModel().select(0));
        waitUntil(() -> text("#rule-title").startsWith("CollectorSilent"));
        assertTrue(node("#rule-save").isDisabled());
        assertTrue(node("#rule-name").isDisabled());
        assertFalse(node("#rule-preview").isDisabled());
    }

    @Test
    void theOnCallTabShowsWhoIsOnCallNowAndTheNextHandOffs() throws Exception {
        show(true);
        robot.interact(() -> ((TabPane) node("#alerting-host")).getSelectionModel().select(2));
        waitUntil(() -> table("#oncall-now").getItems().size() == 2);
        waitUntil(() -> table("#oncall-upcoming").getItems().size() == 4);
        OnCallViewModel.NowRow first = (OnCallViewModel.NowRow) table("#oncall-now").getItems().getFirst();
        assertEquals("alice", first.onCall());
        assertTrue(first.until().contains("(in 4 h 5") || first.until().endsWith("(in 5 h)"), first.until());
        assertTrue(first.next().startsWith("bob "), first.next());
        assertEquals("2 schedules, 2 with someone on call now", text("#oncall-summary"));
        shoot("28-oncall");
    }

    @Test
    void theMaintenanceAndEffectivenessTabsListWhatWasSuppressedAndTheFlaggedRule() throws Exception {
        show(true);
        robot.interact(() -> ((TabPane) node("#alerting-host")).getSelectionModel().select(1));
        waitUntil(() -> table("#maintenance-table").getItems().size() == 1);
        robot.interact(() -> table("#maintenance-table").getSelectionModel().select(0));
        waitUntil(() -> table("#maintenance-suppressed").getItems().size() == 1);
        assertEquals("Sunday vacuum suppressed 1 alert:", text("#maintenance-suppressed-title"));
        robot.interact(() -> ((TabPane) node("#alerting-host")).getSelectionModel().select(3));
        waitUntil(() -> table("#effectiveness-suggestions").getItems().size() == 1);
        assertTrue(text("#effectiveness-suggestions-title").startsWith("LockWaits is flagged as noisy."));
    }

    @Test
    void aReceiversSecretFieldIsWriteOnlyAndEmptiedOnceSaved() throws Exception {
        show(true);
        robot.interact(() -> ((TabPane) node("#alerting-host")).getSelectionModel().select(4));
        waitUntil(() -> table("#receivers-table").getItems().size() == 1);
        robot.interact(() -> table("#receivers-table").getSelectionModel().select(0));
        waitUntil(() -> text("#receiver-secret-state").startsWith("password is set"));
        PasswordField secret = (PasswordField) node("#receiver-secret");
        assertEquals("", secret.getText());
        robot.clickOn("#receiver-secret").write("n3w-secret");
        robot.clickOn("#receiver-save");
        waitUntil(() -> text("#receivers-status").equals("Saved receiver dba-mail."));
        assertEquals("", secret.getText());
        assertEquals("n3w-secret", api.alerting.storedSecrets.get(3L).get("password"));
        assertTrue(api.alerting.receivers.stream().allMatch(r -> r.secrets().isEmpty()));
    }

    private TableView<?> table(String query) {
        return (TableView<?>) node(query);
    }

    private Node node(String query) {
        return robot.lookup(query).query();
    }

    private String text(String query) {
        String text = ((Labeled) node(query)).getText();
        return text == null ? "" : text;
    }

    private static void waitUntil(Callable<Boolean> condition) {
        try {
            WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, condition);
        } catch (TimeoutException e) {
            throw new AssertionError("the condition did not hold within 20 s", e);
        }
    }

    /** With -Dpga.screenshots=DIR: the window as it is now, as DIR/name.png. */
    private void shoot(String name) throws Exception {
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
