package io.pganalytics.console.anomalies;

import io.pganalytics.common.anomaly.AnomalyBand;
import io.pganalytics.common.anomaly.AnomalyView;
import io.pganalytics.common.auth.Role;
import io.pganalytics.common.query.InstancePage;
import io.pganalytics.console.common.Background;
import io.pganalytics.console.common.Notices;
import io.pganalytics.console.common.ui.BandChart;
import io.pganalytics.console.common.ui.Theme;
import io.pganalytics.console.testing.FakeAnomaliesApi;
import io.pganalytics.console.testing.FakeConsoleApi;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Labeled;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Anomalies screen's layout (TestFX, headless) over a fake client: the list, the detail's chart with the band and
 * the marker, the hints as links, and the feedback buttons by role. The same screen against a real server is
 * {@code AnomaliesEndToEndTest}.
 */
class AnomaliesViewTest {
    private final FakeConsoleApi api = new FakeConsoleApi();
    private final List<HintLink> followed = new CopyOnWriteArrayList<>();
    private Background background;
    private AnomaliesViewModel model;
    private FxRobot robot;

    private void show(Role role) throws Exception {
        Instant now = Instant.now();
        api.instances = new InstancePage(List.of(AnomaliesViewModelTest.SHOP), 1, 0, 500, Map.of(), now);
        api.anomalies.anomalies.add(FakeAnomaliesApi.anomaly(3, 1, "shop-primary", "tps", AnomalyView.CRITICAL, AnomalyView.CLOSED,
                now.minusSeconds(1800)));
        api.anomalies.anomalies.add(FakeAnomaliesApi.anomaly(4, 1, "shop-primary", "connections", AnomalyView.WARNING, AnomalyView.OPEN,
                now.minusSeconds(300)));
        api.anomalies.bands.put("tps", List.of(new AnomalyBand.Point(now.minusSeconds(3000), 400, 350, 450),
                new AnomalyBand.Point(now.minusSeconds(1000), 405, 355, 455)));
        background = Background.withDaemonThreads(Platform::runLater, new Notices() {
            @Override
            public void info(String title, String sentence) {
            }

            @Override
            public void error(String title, String sentence) {
            }
        });
        FxToolkit.registerPrimaryStage();
        FxToolkit.setupStage(stage -> {
            model = new AnomaliesViewModel(new AnomaliesService(api, background), Set.of(role), Clock.systemUTC(), followed::add);
            Scene scene = new Scene((javafx.scene.Parent) new AnomaliesView(model).build(), 1400, 900);
            Theme.LIGHT.applyTo(scene);
            stage.setScene(scene);
            stage.show();
            model.start();
        });
        robot = new FxRobot();
        waitUntil(() -> table().getItems().size() == 2);
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
    void selectingARowShowsItsChartWithTheBandAndTheMarkerAndItsHintsAsLinks() throws Exception {
        show(Role.OPERATOR);
        robot.interact(() -> table().getSelectionModel().select(1));
        waitUntil(() -> text("#anomaly-title").startsWith("Critical level shift"));
        BandChart chart = (BandChart) node("#anomaly-chart");
        waitUntil(() -> chart.band().size() == 2 && !chart.markers().isEmpty());
        waitUntil(() -> robot.lookup("#anomaly-marker-3").tryQuery().isPresent());
        waitUntil(() -> robot.lookup("#hint-link-1").tryQuery().isPresent());
        robot.clickOn("#hint-link-1");
        waitUntil(() -> !followed.isEmpty());
        assertEquals(HintLink.Kind.QUERY, followed.getFirst().kind());
        assertFalse(node("#feedback-real").isDisabled());
        robot.clickOn("#anomaly-comment").write("a real regression");
        robot.clickOn("#feedback-real");
        waitUntil(() -> text("#anomaly-feedback").equals("Feedback: this was real."));
        assertTrue(api.anomalies.calls.contains("feedback 3 real a real regression"), api.anomalies.calls.toString());
    }

    @Test
    void aViewerSeesTheFeedbackButtonsDisabled() throws Exception {
        show(Role.VIEWER);
        robot.interact(() -> table().getSelectionModel().select(0));
        waitUntil(() -> text("#anomaly-title").startsWith("Warning"));
        assertTrue(node("#feedback-expected").isDisabled());
        assertTrue(node("#feedback-real").isDisabled());
        assertTrue(node("#anomaly-comment").isDisabled());
    }

    private TableView<?> table() {
        return (TableView<?>) node("#anomalies-table");
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
}
