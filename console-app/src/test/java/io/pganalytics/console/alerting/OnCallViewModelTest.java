package io.pganalytics.console.alerting;

import io.pganalytics.common.alerting.OnCallOverride;
import io.pganalytics.console.common.Background;
import io.pganalytics.console.common.Figures;
import io.pganalytics.console.testing.FakeAlertingAdminApi;
import io.pganalytics.console.testing.FakeConsoleApi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static io.pganalytics.console.alerting.AlertingFixtures.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The on-call tab's view-model in plain JUnit against a fake client. */
class OnCallViewModelTest {
    private final FakeConsoleApi api = new FakeConsoleApi();
    private final FakeAlertingAdminApi alerting = api.alerting;
    private final Background background = Background.direct();
    private OnCallViewModel model;

    @BeforeEach
    void open() {
        alerting.schedules.add(AlertingFixtures.primary());
        alerting.contacts.addAll(AlertingFixtures.contacts());
        alerting.now = AlertingFixtures.now();
        model = new OnCallViewModel(AlertingFixtures.service(api, background, new ArrayList<>(), new boolean[]{true}), true,
                Clock.fixed(NOW, ZoneOffset.UTC));
        model.load();
    }

    @AfterEach
    void close() {
        background.close();
    }

    @Test
    void eachScheduleShowsWhoIsOnCallNowUntilWhenAndTheNextHandOffs() {
        assertEquals(2, model.now().size());
        OnCallViewModel.NowRow primary = model.now().getFirst();
        assertEquals("alice", primary.onCall());
        assertEquals("alice@example.com", primary.contact());
        assertEquals(Figures.time(NOW.plusSeconds(3 * 3600 + 1200)) + " (in 3 h 20 min)", primary.until());
        assertTrue(primary.next().startsWith("bob "), primary.next());
        assertEquals("nobody", model.now().get(1).onCall());
        assertEquals("2 schedules, 1 with someone on call now (1 uncovered)", model.summaryProperty().get());
        assertEquals(primary, model.selectedProperty().get());
        assertEquals(List.of("alice", "bob", "alice"), model.upcoming().stream().map(OnCallViewModel.ShiftRow::who).toList());
        assertEquals("now, hands off in 3 h 20 min", model.upcoming().getFirst().inWords());
        assertEquals("in 7 d", model.upcoming().get(2).inWords());
    }

    @Test
    void anOverrideNamesThePersonByTheirContactAndIsSentForTheSelectedSchedule() {
        model.newWhoProperty().set("carol");
        model.newFromProperty().set("2026-12-08 18:00");
        model.newToProperty().set("2026-12-09 09:00");
        model.newReasonProperty().set("covering for bob");
        model.addOverride();
        assertEquals("", model.errorProperty().get());
        assertTrue(alerting.calls.contains("addOverride 7 13"), alerting.calls.toString());
        OnCallOverride added = alerting.schedules.getFirst().overrides().getFirst();
        assertEquals(Instant.parse("2026-12-08T18:00:00Z"), added.startsAt());
        assertEquals("covering for bob", added.reason());
        assertEquals(List.of("carol"), model.overrides().stream().map(OnCallViewModel.OverrideRow::who).toList());

        model.removeOverride(model.overrides().getFirst());
        assertTrue(alerting.schedules.getFirst().overrides().isEmpty());
        assertTrue(model.overrides().isEmpty());
    }

    @Test
    void anOverrideThatSaysNoTimeOrNoPersonIsRefusedAndNothingIsSent() {
        model.newWhoProperty().set("mallory");
        model.newFromProperty().set("2026-12-08 18:00");
        model.newToProperty().set("2026-12-09 09:00");
        model.addOverride();
        assertEquals("Who: choose a person with an on-call contact.", model.errorProperty().get());
        model.newWhoProperty().set("bob");
        model.newToProperty().set("2026-12-08 17:00");
        model.addOverride();
        assertEquals("The override must start before it ends.", model.errorProperty().get());
        model.newFromProperty().set("2026-12-01 08:00");
        model.newToProperty().set("2026-12-01 09:00");
        model.addOverride();
        assertEquals("The override ends in the past.", model.errorProperty().get());
        assertFalse(alerting.calls.stream().anyMatch(c -> c.startsWith("addOverride")));
    }
}
