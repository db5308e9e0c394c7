package io.pganalytics.console.app;

import io.pganalytics.common.query.InstanceStatus;
import io.pganalytics.common.query.InstanceSummary;
import io.pganalytics.common.query.KeyFigures;
import io.pganalytics.console.common.Background;
import io.pganalytics.console.common.TimeRange;
import io.pganalytics.console.common.ui.Theme;
import io.pganalytics.console.dashboard.DashboardService;
import io.pganalytics.console.dashboard.DashboardViewModel;
import io.pganalytics.console.queries.QueriesService;
import io.pganalytics.console.queries.QueriesViewModel;
import io.pganalytics.console.tables.TablesService;
import io.pganalytics.console.tables.TablesViewModel;
import io.pganalytics.console.testing.FakeConsoleApi;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;

import java.lang.ref.WeakReference;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Opening and closing instance screens, headless (Monocle), as the composition root does: the application-wide theme
 * outlives them, and a closed screen must not be kept alive by anything that outlives it.
 */
@Tag("fault-and-attack")
class DashboardLifecycleTest {
    private static final int SCREENS = 5;
    private static Stage stage;
    private static FxRobot robot;

    @BeforeAll
    static void start() throws TimeoutException {
        stage = FxToolkit.registerPrimaryStage();
        FxToolkit.setupStage(s -> {
            s.setScene(new Scene(new StackPane(), 1200, 800));
            s.show();
        });
        robot = new FxRobot();
    }

    @AfterAll
    static void stop() throws TimeoutException {
        FxToolkit.cleanupStages();
    }

    @Test
    void closedDashboardsAreNotKeptAliveByTheApplicationWideTheme() {
        ObjectProperty<Theme> theme = new SimpleObjectProperty<>(Theme.LIGHT);
        FakeConsoleApi api = new FakeConsoleApi();
        List<WeakReference<Object>> closed = new ArrayList<>();
        try (Background background = Background.direct()) {
            for (int i = 1; i <= SCREENS; i++) {
                long id = i;
                robot.interact(() -> {
                    ObjectProperty<TimeRange> range = new SimpleObjectProperty<>(TimeRange.LAST_HOUR);
                    DashboardViewModel dashboard = new DashboardViewModel(new DashboardService(api, background), instance(id), range, Clock.systemUTC());
                    InstanceScreen screen = new InstanceScreen(dashboard,
                            new QueriesViewModel(new QueriesService(api, background), id, range, Clock.systemUTC()),
                            new TablesViewModel(new TablesService(api, background), id, range, Clock.systemUTC()), theme);
                    Node node = screen.build(() -> { });
                    stage.getScene().setRoot(new StackPane(node));
                    theme.set(theme.get().other()); // the screen follows the theme while open
                    screen.stop();
                    stage.getScene().setRoot(new StackPane());
                    closed.add(new WeakReference<>(dashboard));
                    closed.add(new WeakReference<>(node));
                });
            }
            assertEquals(0, reachableAfterCollecting(closed, Duration.ofSeconds(20)), "closed screens still reachable");
            robot.interact(() -> theme.set(theme.get().other())); // and the theme still works for whoever listens
        }
    }

    /** Collects until every reference is cleared or the deadline passes; the number still reachable. */
    private static long reachableAfterCollecting(List<WeakReference<Object>> references, Duration deadline) {
        long until = System.nanoTime() + deadline.toNanos();
        long reachable = references.size();
        while (System.nanoTime() < until) {
            System.gc();
            reachable = references.stream().filter(r -> r.get() != null).count();
            if (reachable == 0) {
                return 0;
            }
            robot.sleep(100); // let the FX thread run pulses that drop its last references to removed nodes
        }
        return reachable;
    }

    private static InstanceSummary instance(long id) {
        return new InstanceSummary(id, "db-" + id, "db-" + id + ".example.com", 5432, InstanceStatus.UP, Instant.now(), Instant.now(),
                "17.2", "primary", new KeyFigures(12.5, 10L, 2L, 100L, 0.99, null, 1.5));
    }
}
