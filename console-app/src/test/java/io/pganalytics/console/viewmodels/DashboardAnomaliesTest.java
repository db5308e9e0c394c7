package io.pganalytics.console.viewmodels;

import io.pganalytics.common.anomaly.AnomalyBand;
import io.pganalytics.common.anomaly.AnomalyView;
import io.pganalytics.common.query.InstanceStatus;
import io.pganalytics.common.query.InstanceSummary;
import io.pganalytics.console.common.Background;
import io.pganalytics.console.common.ChartMarker;
import io.pganalytics.console.common.TimeRange;
import io.pganalytics.console.dashboard.DashboardService;
import io.pganalytics.console.dashboard.DashboardViewModel;
import io.pganalytics.console.testing.FakeAnomaliesApi;
import io.pganalytics.console.testing.FakeConsoleApi;
import javafx.beans.property.SimpleObjectProperty;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dashboard's expected bands and anomaly markers: read with the charts, added live, and a marker opens its anomaly. */
class DashboardAnomaliesTest {
    private static final Instant NOW = Instant.parse("2026-12-07T09:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @Test
    void chartsWithADetectionSeriesGetItsBandAndAnomaliesAndLiveAnomaliesAddMarkers() {
        FakeConsoleApi api = new FakeConsoleApi();
        api.anomalies.bands.put("tps", List.of(new AnomalyBand.Point(NOW.minusSeconds(1200), 400, 350, 450),
                new AnomalyBand.Point(NOW.minusSeconds(1140), 402, 352, 452)));
        api.anomalies.anomalies.add(FakeAnomaliesApi.anomaly(11, 7, "orders", "tps", AnomalyView.CRITICAL, AnomalyView.CLOSED,
                NOW.minusSeconds(1800)));
        List<Long> opened = new ArrayList<>();
        try (Background background = Background.direct()) {
            DashboardViewModel model = new DashboardViewModel(new DashboardService(api, background),
                    new InstanceSummary(7, "orders", "orders.db", 5432, InstanceStatus.UP, NOW, NOW, "17.2", "primary", null),
                    new SimpleObjectProperty<>(TimeRange.LAST_HOUR), CLOCK, opened::add);
            model.start();
            assertEquals(2, model.bands().get("tps").size(), "the tps chart's band");
            assertEquals(352, model.bands().get("tps").get(1).lower());
            assertTrue(model.bands().containsKey("connections"), "every charted detection series is read");
            assertTrue(model.bands().containsKey("cache_hit_ratio"), "a chart the catalogue does not describe shows its namesake series");
            List<ChartMarker> markers = model.markers().get("tps");
            assertEquals(List.of(11L), markers.stream().map(ChartMarker::id).toList());
            assertEquals(NOW.minusSeconds(1800).getEpochSecond(), markers.getFirst().from());
            assertEquals(NOW.minusSeconds(1200).getEpochSecond(), markers.getFirst().to());

            api.live.anomaly(FakeAnomaliesApi.anomaly(12, 7, "orders", "tps", AnomalyView.WARNING, AnomalyView.OPEN, NOW.minusSeconds(120)));
            api.live.anomaly(FakeAnomaliesApi.anomaly(13, 8, "other", "tps", AnomalyView.WARNING, AnomalyView.OPEN, NOW.minusSeconds(120)));
            api.live.anomaly(FakeAnomaliesApi.anomaly(14, 7, "orders", "wait_backends:Lock", AnomalyView.WARNING, AnomalyView.OPEN,
                    NOW.minusSeconds(120)));
            assertEquals(List.of(11L, 12L), model.markers().get("tps").stream().map(ChartMarker::id).toList(),
                    "another instance's anomaly and one of a series no chart shows add no marker");
            ChartMarker open = model.markers().get("tps").get(1);
            assertEquals(NOW.getEpochSecond(), open.to(), "an open anomaly reaches to now");
            assertEquals("warning", open.severity());

            model.openAnomaly(12);
            assertEquals(List.of(12L), opened);
            model.stop();
            assertNull(api.live);
        }
    }
}
