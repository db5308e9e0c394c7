package io.pganalytics.console.alerts;

import io.pganalytics.common.alerting.AlertEvent;
import io.pganalytics.common.alerting.AlertView;
import io.pganalytics.common.alerting.IncidentView;
import io.pganalytics.common.alerting.Matcher;
import io.pganalytics.common.alerting.NotificationView;
import io.pganalytics.common.auth.Role;
import io.pganalytics.console.common.Background;
import io.pganalytics.console.testing.FakeAlertsApi;
import io.pganalytics.console.testing.FakeConsoleApi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Alerts screen's view-models in plain JUnit, IO on the calling thread against a fake client. */
class AlertsViewModelTest {
    static final Instant NOW = Instant.parse("2026-12-07T09:00:00Z");

    private final FakeConsoleApi api = new FakeConsoleApi();
    private final FakeAlertsApi alerts = api.alerts;
    private final Background background = Background.direct();
    private final List<SilenceViewModel> asked = new ArrayList<>();

    @BeforeEach
    void incidents() {
        alerts.incidents.add(FakeAlertsApi.incident(7, 1, "shop-primary", "critical", "Lock waits on shop-primary", NOW.minusSeconds(600)));
        alerts.incidents.add(FakeAlertsApi.incident(8, 2, "billing", "warning", "Connections near the limit on billing", NOW.minusSeconds(300)));
        alerts.alerts.add(FakeAlertsApi.firing(1, 1, "shop-primary", "lock_waits", "warning", NOW.minusSeconds(600), 7L));
        alerts.alerts.add(FakeAlertsApi.firing(2, 1, "shop-primary", "deadlocks", "critical", NOW.minusSeconds(500), 7L));
        alerts.alerts.add(FakeAlertsApi.firing(3, 2, "billing", "connection_saturation", "warning", NOW.minusSeconds(300), 8L));
        alerts.alerts.add(FakeAlertsApi.alert(4, 2, "billing", "cache_hit_ratio", AlertView.RESOLVED, "warning", NOW.minusSeconds(7200),
                NOW.minusSeconds(5400), 6L));
        alerts.notifications.put(7L, List.of(new NotificationView(70, 7L, 1L, 3L, "dba-mail", null, "firing", null, "sent", 1,
                NOW.minusSeconds(570), NOW.minusSeconds(569), 250, null, null)));
    }

    @AfterEach
    void close() {
        background.close();
    }

    private AlertsViewModel model(Role role) {
        alerts.viewer = role == Role.VIEWER;
        AlertsViewModel model = new AlertsViewModel(new AlertsService(api, background), Set.of(role), Clock.fixed(NOW, ZoneOffset.UTC), asked::add);
        model.start();
        return model;
    }

    @Test
    void firingNowListsCriticalFirstThenNewestWithTheirIncidentAndTheHistoryTheResolvedOnes() {
        AlertsViewModel model = model(Role.OPERATOR);
        assertEquals(List.of(2L, 3L, 1L), model.firing().stream().map(AlertsViewModel.AlertRow::id).toList());
        AlertsViewModel.AlertRow first = model.firing().getFirst();
        assertEquals("critical", first.severity());
        assertEquals("shop-primary", first.instance());
        assertEquals("deadlocks", first.rule());
        assertEquals("firing · 8 min", first.duration());
        assertEquals("#7 open", first.incident());
        assertEquals("team=dba", first.labels());
        assertEquals("42.50", first.value());
        assertEquals(List.of(4L), model.history().stream().map(AlertsViewModel.AlertRow::id).toList());
        assertEquals("fired 30 min", model.history().getFirst().duration());
        assertEquals(List.of(8L, 7L), model.incidents().stream().map(AlertsViewModel.IncidentRow::id).toList());
        assertEquals("2 firing", model.incidents().get(1).alerts());
        assertEquals("3 firing  ·  1 critical  ·  2 incidents open  ·  0 acknowledged", model.summaryProperty().get());
        assertTrue(alerts.calls.contains("alerts state=firing"), alerts.calls.toString());
    }

    @Test
    void selectingAnAlertShowsItsIncidentWithAllItsAlertsHintsAndNotifications() {
        AlertsViewModel model = model(Role.OPERATOR);
        model.selectedAlertProperty().set(model.firing().getFirst());
        IncidentDetailViewModel detail = model.detail();
        assertEquals("Critical incident 7: Lock waits on shop-primary", detail.titleProperty().get());
        assertEquals(List.of(2L, 1L), detail.alerts().stream().map(AlertsViewModel.AlertRow::id).toList());
        assertEquals(2, detail.hints().size());
        assertEquals("pid 4711 blocks 9 backends", detail.hints().getFirst().subject());
        assertEquals(1, detail.notifications().size());
        assertEquals("dba-mail", detail.notifications().getFirst().to());
        assertEquals("sent", detail.notifications().getFirst().state());
        assertTrue(detail.summaryProperty().get().contains("escalation level 1, next"), detail.summaryProperty().get());
        assertTrue(detail.canAcknowledgeProperty().get());
    }

    @Test
    void acknowledgeOnASelectedAlertAcknowledgesItsIncidentAndTheListsFollow() {
        AlertsViewModel model = model(Role.OPERATOR);
        model.selectedAlertProperty().set(model.firing().getFirst());
        model.acknowledge();
        assertTrue(alerts.calls.contains("acknowledgeAlert 2"), alerts.calls.toString());
        assertEquals("#7 acknowledged", model.firing().getFirst().incident());
        assertEquals("acknowledged by olga", model.incidents().stream().filter(r -> r.id() == 7).findFirst().orElseThrow().state());
        assertTrue(model.statusProperty().get().startsWith("Incident 7 on shop-primary acknowledged by olga"), model.statusProperty().get());
        assertFalse(model.detail().canAcknowledgeProperty().get());
        assertTrue(model.detail().summaryProperty().get().contains("acknowledged by olga"));
    }

    @Test
    void aViewerMayNotAcknowledgeOrSilence() {
        AlertsViewModel model = model(Role.VIEWER);
        model.selectedAlertProperty().set(model.firing().getFirst());
        model.acknowledge();
        model.silence();
        assertFalse(alerts.calls.stream().anyMatch(c -> c.startsWith("acknowledge")), alerts.calls.toString());
        assertTrue(asked.isEmpty());
        assertEquals("Silencing needs the operator role.", model.errorProperty().get());
        assertFalse(model.operatorProperty().get());
    }

    @Test
    void silenceIsPrefilledFromTheSelectedAlertAndSavedWithItsDurationAndReason() {
        AlertsViewModel model = model(Role.OPERATOR);
        model.selectedAlertProperty().set(model.firing().get(1));
        model.silence();
        assertEquals(1, asked.size());
        SilenceViewModel form = asked.getFirst();
        assertEquals("alertname=\"connection_saturation\"\ninstance=\"billing\"", form.matchersProperty().get());
        assertEquals("2h", form.durationProperty().get());
        form.durationProperty().set("4h");
        form.save(() -> { });
        assertEquals("Say why: a silence needs a reason.", form.errorProperty().get());
        assertTrue(alerts.silences.isEmpty());
        form.reasonProperty().set("pool resize tonight");
        boolean[] done = {false};
        form.save(() -> done[0] = true);
        assertTrue(done[0]);
        assertEquals(1, alerts.silences.size());
        assertEquals(List.of(new Matcher("alertname", "=", "connection_saturation"), new Matcher("instance", "=", "billing")),
                alerts.silences.getFirst().matchers());
        assertEquals(NOW.plus(Duration.ofHours(4)), alerts.silences.getFirst().endsAt());
        assertEquals("pool resize tonight", alerts.silences.getFirst().reason());
        assertTrue(model.statusProperty().get().startsWith("Silenced until"), model.statusProperty().get());
    }

    @Test
    void theSilenceFormNamesAWrongMatcherDurationOrExpression() {
        assertEquals(List.of(new Matcher("severity", "=~", "warn.*"), new Matcher("team", "!=", "web")),
                SilenceViewModel.parse("severity =~ \"warn.*\"\n\nteam!=web"));
        IllegalArgumentException line = assertThrows(IllegalArgumentException.class, () -> SilenceViewModel.parse("alertname lock_waits"));
        assertTrue(line.getMessage().startsWith("Matcher line 1 (alertname lock_waits)"), line.getMessage());
        IllegalArgumentException regex = assertThrows(IllegalArgumentException.class, () -> SilenceViewModel.parse("instance=~\"shop(\""));
        assertTrue(regex.getMessage().contains("is not a regular expression"), regex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SilenceViewModel.parse("  \n "));
        SilenceViewModel form = new SilenceViewModel(new AlertsService(api, background), Clock.fixed(NOW, ZoneOffset.UTC), "t",
                List.of(new Matcher("instance", "=", "shop")), s -> { });
        form.reasonProperty().set("x");
        form.durationProperty().set("forever");
        form.save(() -> { });
        assertTrue(form.errorProperty().get().contains("forever"), form.errorProperty().get());
        form.durationProperty().set("120d");
        form.save(() -> { });
        assertEquals("A silence lasts at most 90d, not 120d.", form.errorProperty().get());
        assertTrue(alerts.silences.isEmpty());
    }

    @Test
    void liveEventsAddFiringAlertsMoveResolvedOnesToTheHistoryAndUpdateIncidents() {
        AlertsViewModel model = model(Role.OPERATOR);
        AlertView fired = FakeAlertsApi.firing(9, 2, "billing", "replication_lag", "critical", NOW.minusSeconds(30), 8L);
        model.arrived(new AlertEvent(fired, null));
        assertEquals(9L, model.firing().getFirst().id());
        AlertView resolved = FakeAlertsApi.alert(3, 2, "billing", "connection_saturation", AlertView.RESOLVED, "warning",
                NOW.minusSeconds(300), NOW.minusSeconds(10), 8L);
        model.arrived(new AlertEvent(resolved, null));
        assertFalse(model.firing().stream().anyMatch(r -> r.id() == 3));
        assertEquals(3L, model.history().getFirst().id());
        IncidentView acknowledged = alerts.acknowledge(8);
        model.arrived(new AlertEvent(null, acknowledged));
        assertEquals("acknowledged by olga", model.incidents().stream().filter(r -> r.id() == 8).findFirst().orElseThrow().state());
        assertEquals("3 firing  ·  2 critical  ·  1 incident open  ·  1 acknowledged", model.summaryProperty().get());
    }

    @Test
    void feedbackOnAnIncidentIsSentWithItsComment() {
        AlertsViewModel model = model(Role.OPERATOR);
        model.tabProperty().set(AlertsViewModel.Tab.INCIDENTS);
        model.selectedIncidentProperty().set(model.incidents().stream().filter(r -> r.id() == 7).findFirst().orElseThrow());
        model.detail().commentProperty().set("the nightly batch, every night");
        model.detail().noise();
        assertTrue(alerts.calls.contains("feedback 7 noise the nightly batch, every night"), alerts.calls.toString());
        assertEquals("Feedback: noise (olga).", model.detail().feedbackProperty().get());
        assertEquals("noise", model.incidents().stream().filter(r -> r.id() == 7).findFirst().orElseThrow().feedback());
        assertEquals("", model.detail().commentProperty().get());
        model.detail().resolve();
        assertTrue(alerts.calls.contains("resolve 7"));
        assertNull(model.errorProperty().get().isEmpty() ? null : model.errorProperty().get());
    }
}
