package io.pganalytics.console.alerting;

import io.pganalytics.common.alerting.MaintenanceWindow;
import io.pganalytics.common.alerting.Recurrence;
import io.pganalytics.common.alerting.RuleScope;
import io.pganalytics.common.alerting.SuppressedAlert;
import io.pganalytics.console.common.Background;
import io.pganalytics.console.testing.FakeAlertingAdminApi;
import io.pganalytics.console.testing.FakeConsoleApi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.pganalytics.console.alerting.AlertingFixtures.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The maintenance tab's view-model in plain JUnit against a fake client. */
class MaintenanceViewModelTest {
    private final FakeConsoleApi api = new FakeConsoleApi();
    private final FakeAlertingAdminApi alerting = api.alerting;
    private final Background background = Background.direct();
    private MaintenanceViewModel model;

    @BeforeEach
    void open() {
        AlertingFixtures.fleet(api);
        model = new MaintenanceViewModel(AlertingFixtures.service(api, background, new ArrayList<>(), new boolean[]{true}), true);
        model.start();
    }

    @AfterEach
    void close() {
        background.close();
    }

    @Test
    void aRecurringWindowIsBuiltWithItsDaysInWeekOrderAndItsZone() {
        model.nameProperty().set("Nightly vacuum");
        model.scopeLabelsProperty().set("env=prod");
        model.recurringProperty().set(true);
        model.toggleDay("SUN", true);
        model.toggleDay("WED", true);
        model.startProperty().set("02:00");
        model.durationProperty().set("2h");
        model.timeZoneProperty().set("Europe/Paris");
        model.reasonProperty().set("vacuum full of the big tables");
        model.save();
        assertEquals("", model.errorProperty().get());
        MaintenanceWindow saved = alerting.windows.getFirst();
        assertEquals(new Recurrence(List.of("WED", "SUN"), "02:00", "2h", "Europe/Paris"), saved.recurrence());
        assertEquals(Map.of("env", "prod"), saved.scope().labels());
        assertEquals("every WED,SUN 02:00 for 2h (Europe/Paris)", model.windows().getFirst().when());
        assertEquals("env=prod", model.windows().getFirst().scope());
    }

    @Test
    void aOneOffWindowNeedsItsStartBeforeItsEndAndABadZoneIsRefused() {
        model.nameProperty().set("Upgrade to 17");
        model.scopeInstancesProperty().set("shop-primary");
        model.fromProperty().set("2026-12-08 04:00");
        model.toProperty().set("2026-12-08 02:00");
        model.save();
        assertEquals("The window must start before it ends.", model.errorProperty().get());
        model.recurringProperty().set(true);
        model.toggleDay("MON", true);
        model.timeZoneProperty().set("Mars/Olympus");
        model.save();
        assertEquals("Time zone: \"Mars/Olympus\" is not an IANA zone such as Europe/Paris.", model.errorProperty().get());
        assertFalse(alerting.calls.stream().anyMatch(c -> c.startsWith("createMaintenanceWindow")));

        model.recurringProperty().set(false);
        model.toProperty().set("2026-12-08 06:00");
        model.save();
        MaintenanceWindow saved = alerting.windows.getFirst();
        assertNull(saved.recurrence());
        assertEquals(List.of(1L), saved.scope().instances());
        assertEquals(Instant.parse("2026-12-08T06:00:00Z"), saved.endsAt());
        assertEquals("2026-12-08 04:00 – 2026-12-08 06:00 UTC", model.windows().getFirst().when());
    }

    @Test
    void selectingAWindowListsTheAlertsItSuppressed() {
        alerting.windows.add(new MaintenanceWindow(40L, "Upgrade to 17", new RuleScope(List.of(1L), Map.of()), NOW.minusSeconds(7200),
                NOW.minusSeconds(1800), null, "major upgrade", "op", NOW, 1, false, null));
        alerting.suppressed.put(40L, List.of(new SuppressedAlert(AlertingFixtures.alert(70, "InstanceDown", "shop-primary"), "maintenance", 40,
                NOW.minusSeconds(7000), NOW.minusSeconds(3600))));
        model.load();
        assertEquals("never again", model.windows().getFirst().next());
        model.selectedProperty().set(model.windows().getFirst());
        assertEquals("Upgrade to 17 suppressed 1 alert:", model.suppressedTitleProperty().get());
        assertEquals("InstanceDown", model.suppressed().getFirst().rule());
        assertEquals("shop-primary", model.suppressed().getFirst().instance());
        assertEquals("Upgrade to 17", model.nameProperty().get());
        assertEquals("shop-primary", model.scopeInstancesProperty().get());
    }
}
