package io.pganalytics.console.fleet;

import io.pganalytics.common.alerting.AlertView;
import io.pganalytics.common.alerting.IncidentView;
import io.pganalytics.common.query.InstancePage;
import io.pganalytics.common.query.InstanceStatus;
import io.pganalytics.common.query.InstanceSummary;
import io.pganalytics.console.common.Background;
import io.pganalytics.console.testing.FakeAlertsApi;
import io.pganalytics.console.testing.FakeConsoleApi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fleet overview's Alerts column: a badge per instance with its firing alerts, worst severity first. */
class FleetAlertBadgesTest {
    private final FakeConsoleApi api = new FakeConsoleApi();
    private final Background background = Background.direct();

    @AfterEach
    void close() {
        background.close();
    }

    @Test
    void eachInstanceShowsItsFiringAlertsByWorstSeverityAndQuietWhenAllAreAcknowledgedOrSilenced() {
        Instant now = Instant.now();
        api.instances = new InstancePage(List.of(instance(1, "shop-primary"), instance(2, "billing"), instance(3, "reports")), 3, 0, 500,
                Map.of(), now);
        FakeAlertsApi alerts = api.alerts;
        alerts.incidents.add(FakeAlertsApi.incident(7, 1, "shop-primary", "critical", "Lock waits", now.minusSeconds(600)));
        alerts.incidents.add(FakeAlertsApi.incident(8, 2, "billing", "warning", "Connections", now.minusSeconds(300)));
        alerts.alerts.add(FakeAlertsApi.firing(1, 1, "shop-primary", "lock_waits", "warning", now.minusSeconds(600), 7L));
        alerts.alerts.add(FakeAlertsApi.firing(2, 1, "shop-primary", "deadlocks", "critical", now.minusSeconds(500), 7L));
        alerts.alerts.add(FakeAlertsApi.firing(3, 2, "billing", "connection_saturation", "warning", now.minusSeconds(300), 8L));
        alerts.alerts.add(FakeAlertsApi.alert(4, 3, "reports", "cache_hit_ratio", AlertView.RESOLVED, "warning", now.minusSeconds(7200),
                now.minusSeconds(5400), 6L));
        FleetViewModel model = new FleetViewModel(new FleetService(api, background), i -> { });
        model.refresh();

        AlertBadge shop = model.alertBadge(1);
        assertEquals("2 firing", shop.text());
        assertEquals("alerts-critical", shop.styleClass());
        assertEquals("1 critical, 1 warning firing; 0 acknowledged, 0 silenced", shop.tooltip());
        assertEquals("1 firing", model.alertBadge(2).text());
        assertEquals("alerts-warning", model.alertBadge(2).styleClass());
        assertEquals("alerts-none", model.alertBadge(3).styleClass(), "a resolved alert is no badge");
        assertTrue(model.alertBadge(1).rank() < model.alertBadge(2).rank() && model.alertBadge(2).rank() < model.alertBadge(3).rank(),
                "sorted worst first");

        alerts.acknowledge(8);
        model.refresh();
        assertEquals("alerts-quiet", model.alertBadge(2).styleClass(), "acknowledged: still shown, quietly");
        assertEquals("1 firing", model.alertBadge(2).text());
    }

    private static InstanceSummary instance(long id, String name) {
        return new InstanceSummary(id, name, name + ".db", 5432, InstanceStatus.UP, Instant.now(), Instant.now(), "17.2", "primary", null);
    }
}
