package io.pganalytics.console.viewmodels;

import io.pganalytics.common.query.InstanceStatus;
import io.pganalytics.common.query.InstanceSummary;
import io.pganalytics.common.query.KeyFigures;
import io.pganalytics.console.api.LiveListener;
import io.pganalytics.console.common.Background;
import io.pganalytics.console.common.TimeRange;
import io.pganalytics.console.dashboard.DashboardService;
import io.pganalytics.console.dashboard.DashboardViewModel;
import io.pganalytics.console.testing.FakeConsoleApi;
import javafx.beans.property.SimpleObjectProperty;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the dashboard says while its live stream is silent, then back. */
@Tag("fault-and-attack")
class DashboardLiveStateTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC);

    @Test
    void aSilentLiveStreamShowsReconnectingUntilItIsLiveAgain() {
        FakeConsoleApi api = new FakeConsoleApi();
        try (Background background = Background.direct()) {
            DashboardViewModel model = new DashboardViewModel(new DashboardService(api, background),
                    new InstanceSummary(7, "orders", "orders.db", 5432, InstanceStatus.UP, Instant.now(), Instant.now(), "17.2", "primary",
                            new KeyFigures(12.5, 10L, 2L, 100L, 0.99, null, 1.5)),
                    new SimpleObjectProperty<>(TimeRange.LAST_HOUR), CLOCK);
            model.start();
            api.live.state(LiveListener.State.LIVE, "Live.");
            assertEquals(DashboardViewModel.State.LIVE, model.stateProperty().get());
            api.live.state(LiveListener.State.STALE, "No heartbeat from the server for 45 s; next try in 1 s.");
            assertEquals(DashboardViewModel.State.RECONNECTING, model.stateProperty().get());
            assertTrue(model.stateTextProperty().get().startsWith("Reconnecting…"), model.stateTextProperty().get());
            assertTrue(model.stateTextProperty().get().contains("No heartbeat from the server for 45 s"), model.stateTextProperty().get());
            api.live.state(LiveListener.State.LIVE, "Live.");
            assertEquals(DashboardViewModel.State.LIVE, model.stateProperty().get());
            assertTrue(model.stateTextProperty().get().startsWith("Live"), model.stateTextProperty().get());
            model.stop();
        }
    }
}
