package io.pganalytics.console.anomalies;

import io.pganalytics.common.anomaly.AnomalyBand;
import io.pganalytics.common.anomaly.AnomalySettings;
import io.pganalytics.common.anomaly.AnomalyView;
import io.pganalytics.common.auth.Role;
import io.pganalytics.common.query.InstancePage;
import io.pganalytics.common.query.InstanceStatus;
import io.pganalytics.common.query.InstanceSummary;
import io.pganalytics.console.api.LiveListener;
import io.pganalytics.console.common.Background;
import io.pganalytics.console.common.TimeRange;
import io.pganalytics.console.testing.FakeAnomaliesApi;
import io.pganalytics.console.testing.FakeConsoleApi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.pganalytics.console.testing.FakeAnomaliesApi.anomaly;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Anomalies screen's view-models in plain JUnit, IO on the calling thread against a fake client. */
class AnomaliesViewModelTest {
    static final Instant NOW = Instant.parse("2026-12-07T09:00:00Z");
    static final InstanceSummary SHOP = instance(1, "shop-primary");
    static final InstanceSummary BILLING = instance(2, "billing");

    private final FakeConsoleApi api = new FakeConsoleApi();
    private final FakeAnomaliesApi anomalies = api.anomalies;
    private final Background background = Background.direct();
    private final List<HintLink> followed = new ArrayList<>();

    @BeforeEach
    void fleet() {
        api.instances = new InstancePage(List.of(SHOP, BILLING), 2, 0, 500, Map.of(), NOW);
    }

    @AfterEach
    void close() {
        background.close();
    }

    @Test
    void theListIsNewestFirstAndCriticalFirstAmongThoseThatStartedInTheSameMinute() {
        anomalies.anomalies.add(anomaly(1, 1, "shop-primary", "tps", AnomalyView.WARNING, AnomalyView.CLOSED, NOW.minusSeconds(3600)));
        anomalies.anomalies.add(anomaly(2, 2, "billing", "connections", AnomalyView.WARNING, AnomalyView.OPEN, NOW.minusSeconds(600)));
        anomalies.anomalies.add(anomaly(3, 1, "shop-primary", "tps", AnomalyView.CRITICAL, AnomalyView.OPEN, NOW.minusSeconds(590)));
        AnomaliesViewModel model = model(Role.OPERATOR);
        model.start();
        assertEquals(List.of(3L, 2L, 1L), model.rows().stream().map(AnomaliesViewModel.Row::id).toList());
        AnomaliesViewModel.Row first = model.rows().getFirst();
        assertEquals("critical", first.severity());
        assertEquals("shop-primary", first.instance());
        assertEquals("transactions per second", first.series());
        assertEquals("level shift", first.kind());
        assertEquals("open · 9 min", first.duration());
        assertEquals("7.4 σ", first.score());
        assertEquals("1,210 1/s vs 410.0 1/s (350.0 1/s – 470.0 1/s)", first.actualVersusExpected());
        assertEquals("10 min", model.rows().get(2).duration());
        assertEquals("31.0 vs 12.0 (8.50 – 15.5) connections", AnomalyFigures.actualVersusExpected(new AnomalyView(8, 1, "shop", "connections",
                "client backends", "connections", "spike", "warning", "open", NOW, null, NOW, 5.1, 12.0, 8.5, 15.5, 31.0, 3, List.of(), null, NOW)),
                "a unit that is a word is said once");
        assertEquals("3 anomalies  ·  2 open  ·  1 critical", model.summaryProperty().get());
    }

    @Test
    void theFiltersGoToTheServerAndNarrowTheList() {
        anomalies.anomalies.add(anomaly(1, 1, "shop-primary", "tps", AnomalyView.WARNING, AnomalyView.CLOSED, NOW.minusSeconds(3600)));
        anomalies.anomalies.add(anomaly(3, 1, "shop-primary", "tps", AnomalyView.CRITICAL, AnomalyView.OPEN, NOW.minusSeconds(590)));
        anomalies.anomalies.add(anomaly(4, 2, "billing", "tps", AnomalyView.CRITICAL, AnomalyView.OPEN, NOW.minusSeconds(200)));
        AnomaliesViewModel model = model(Role.VIEWER);
        model.start();
        model.severityProperty().set(AnomalyView.CRITICAL);
        model.stateProperty().set(AnomalyView.OPEN);
        model.instanceProperty().set(SHOP);
        assertEquals(List.of(3L), model.rows().stream().map(AnomaliesViewModel.Row::id).toList());
        var sent = anomalies.queries.getLast();
        assertEquals(1L, sent.instanceId());
        assertEquals("critical", sent.severity());
        assertEquals("open", sent.state());
        assertEquals(NOW.minusSeconds(86_400), sent.from());
        model.rangeProperty().set(TimeRange.LAST_15_MINUTES);
        assertEquals(NOW.minusSeconds(900), anomalies.queries.getLast().from());
        assertTrue(model.settings().instanceProperty().get() == SHOP, "the settings follow the instance filter");
    }

    @Test
    void liveAnomaliesJoinTheListWhenTheyMatchAndReplaceTheirOldRow() {
        anomalies.anomalies.add(anomaly(1, 1, "shop-primary", "tps", AnomalyView.WARNING, AnomalyView.OPEN, NOW.minusSeconds(600)));
        AnomaliesViewModel model = model(Role.VIEWER);
        model.start();
        model.severityProperty().set(AnomalyView.WARNING);
        LiveListener live = anomalies.live;
        live.state(LiveListener.State.LIVE, "Live.");
        assertTrue(model.liveTextProperty().get().startsWith("Live"), model.liveTextProperty().get());
        live.anomaly(anomaly(5, 2, "billing", "connections", AnomalyView.WARNING, AnomalyView.OPEN, NOW.minusSeconds(60)));
        live.anomaly(anomaly(6, 2, "billing", "connections", AnomalyView.CRITICAL, AnomalyView.OPEN, NOW.minusSeconds(30)));
        assertEquals(List.of(5L, 1L), model.rows().stream().map(AnomaliesViewModel.Row::id).toList(), "a critical one does not match the filter");
        live.anomaly(anomaly(1, 1, "shop-primary", "tps", AnomalyView.WARNING, AnomalyView.CLOSED, NOW.minusSeconds(600)));
        assertEquals(2, model.rows().size());
        assertEquals("closed", model.rows().get(1).anomaly().state());
        model.stop();
        assertNull(anomalies.live, "stop closes the fleet stream");
    }

    @Test
    void theDetailShowsTheSeriesTheBandAndTheHintsAsLinks() {
        AnomalyView shown = anomaly(3, 1, "shop-primary", "tps", AnomalyView.CRITICAL, AnomalyView.CLOSED, NOW.minusSeconds(3600));
        anomalies.anomalies.add(shown);
        anomalies.bands.put("tps", List.of(new AnomalyBand.Point(NOW.minusSeconds(3660), 410, 350, 470),
                new AnomalyBand.Point(NOW.minusSeconds(3600), 412, 352, 472)));
        AnomaliesViewModel model = model(Role.VIEWER);
        model.start();
        model.selectedProperty().set(model.rows().getFirst());
        AnomalyDetailViewModel detail = model.detail();
        assertEquals("Critical level shift in transactions per second on shop-primary", detail.titleProperty().get());
        assertTrue(api.anomalies.calls.contains("band tps"), api.anomalies.calls.toString());
        assertEquals(2, detail.bandProperty().get().size());
        assertEquals(350, detail.bandProperty().get().getFirst().lower());
        assertEquals(List.of(3L), detail.markersProperty().get().stream().map(m -> m.id()).toList());
        assertEquals(List.of(HintLink.Kind.QUERY, HintLink.Kind.SETTING, HintLink.Kind.TABLE),
                detail.hints().stream().map(h -> h.link().kind()).toList());
        assertEquals("Open the statement", detail.hints().getFirst().linkText());
        detail.open(detail.hints().getFirst());
        detail.open(detail.hints().get(2));
        assertEquals(List.of("4242", "shop.public.orders"), followed.stream().map(HintLink::value).toList());
        assertEquals(SHOP, followed.getFirst().instance());
    }

    @Test
    void aSeriesNoChartShowsGetsTheBandAloneAndSaysSo() {
        anomalies.anomalies.add(anomaly(7, 1, "shop-primary", "statement_latency_ms", AnomalyView.WARNING, AnomalyView.CLOSED,
                NOW.minusSeconds(3600)));
        AnomaliesViewModel model = model(Role.VIEWER);
        model.start();
        model.selectedProperty().set(model.rows().getFirst());
        assertTrue(model.detail().chartNoteProperty().get().startsWith("No dashboard chart shows this series"));
        assertTrue(api.anomalies.calls.contains("band statement_latency_ms"));
    }

    @Test
    void anOperatorsFeedbackIsStoredWithItsCommentAndTheRowFollows() {
        anomalies.anomalies.add(anomaly(3, 1, "shop-primary", "tps", AnomalyView.CRITICAL, AnomalyView.CLOSED, NOW.minusSeconds(3600)));
        AnomaliesViewModel model = model(Role.OPERATOR);
        model.start();
        model.selectedProperty().set(model.rows().getFirst());
        AnomalyDetailViewModel detail = model.detail();
        assertTrue(detail.mayOperate());
        assertEquals("No feedback yet.", detail.feedbackProperty().get());
        detail.commentProperty().set("  nightly batch  ");
        detail.expected();
        assertTrue(anomalies.calls.contains("feedback 3 expected nightly batch"), anomalies.calls.toString());
        assertEquals("Feedback: this was expected.", detail.feedbackProperty().get());
        assertEquals("expected", model.rows().getFirst().feedback());
        assertEquals("", detail.commentProperty().get());
        detail.commentProperty().set("x".repeat(1001));
        detail.real();
        assertTrue(detail.errorProperty().get().contains("at most 1000"), detail.errorProperty().get());
        assertEquals(1, anomalies.calls.stream().filter(c -> c.startsWith("feedback")).count(), "a too long comment is not sent");
    }

    @Test
    void aViewerCannotGiveFeedback() {
        anomalies.anomalies.add(anomaly(3, 1, "shop-primary", "tps", AnomalyView.CRITICAL, AnomalyView.CLOSED, NOW.minusSeconds(3600)));
        AnomaliesViewModel model = model(Role.VIEWER);
        model.start();
        model.selectedProperty().set(model.rows().getFirst());
        assertFalse(model.detail().mayOperate());
        model.detail().real();
        assertTrue(anomalies.calls.stream().noneMatch(c -> c.startsWith("feedback")), anomalies.calls.toString());
    }

    @Test
    void openingAnAnomalyNotInTheListReadsIt() {
        anomalies.anomalies.add(anomaly(9, 2, "billing", "tps", AnomalyView.WARNING, AnomalyView.CLOSED, NOW.minusSeconds(10 * 86_400)));
        AnomaliesViewModel model = model(Role.VIEWER);
        model.start();
        assertTrue(model.rows().isEmpty(), "ten days ago is outside the last 24 hours");
        model.open(9);
        assertEquals(9, model.detail().anomalyProperty().get().id());
        assertTrue(anomalies.calls.contains("anomaly 9"));
    }

    @Test
    void theSettingsShowLearningAndOperatorsChangeSensitivityAndExclusions() {
        AnomaliesViewModel model = model(Role.OPERATOR);
        model.start();
        AnomalySettingsViewModel settings = model.settings();
        assertEquals(BILLING, settings.instanceProperty().get(), "the first instance by name");
        assertTrue(settings.learningProperty().get());
        assertTrue(settings.learningTextProperty().get().startsWith("Learning: 3 of 30 series are still learning"),
                settings.learningTextProperty().get());
        settings.sensitivityProperty().set(AnomalySettings.HIGH);
        settings.saveSensitivity();
        assertTrue(anomalies.calls.contains("updateSettings 2 high"), anomalies.calls.toString());
        assertEquals("Sensitivity of billing set to high.", settings.statusProperty().get());

        settings.newSeriesProperty().set("tps");
        settings.newFromProperty().set("2026-12-07 04:00");
        settings.newToProperty().set("2026-12-07 02:00");
        settings.newReasonProperty().set("nightly batch load");
        settings.addExclusion();
        assertEquals("The window must start before it ends.", settings.errorProperty().get());
        assertTrue(anomalies.calls.stream().noneMatch(c -> c.startsWith("addExclusion")));
        settings.newFromProperty().set("2026-12-07 02:00");
        settings.newToProperty().set("2026-12-07 04:00");
        settings.addExclusion();
        assertEquals("", settings.errorProperty().get());
        assertTrue(anomalies.calls.contains("addExclusion 2 tps 2026-12-07T02:00:00Z 2026-12-07T04:00:00Z"), anomalies.calls.toString());
        assertEquals(1, settings.exclusions().size());
        assertEquals("2026-12-07 02:00 – 2026-12-07 04:00 UTC", settings.exclusions().getFirst().window());
        settings.removeExclusion(settings.exclusions().getFirst());
        assertTrue(settings.exclusions().isEmpty());
    }

    @Test
    void aViewerReadsTheSettingsButChangesNothing() {
        AnomaliesViewModel model = model(Role.VIEWER);
        model.start();
        AnomalySettingsViewModel settings = model.settings();
        assertFalse(settings.mayOperate());
        settings.sensitivityProperty().set(AnomalySettings.LOW);
        settings.saveSensitivity();
        settings.newFromProperty().set("2026-12-07 02:00");
        settings.newToProperty().set("2026-12-07 04:00");
        settings.newReasonProperty().set("why");
        settings.addExclusion();
        assertTrue(anomalies.calls.stream().noneMatch(c -> c.startsWith("updateSettings") || c.startsWith("addExclusion")),
                anomalies.calls.toString());
    }

    @Test
    void hintRefsParseByTheirGrammar() {
        assertEquals(HintLink.Kind.QUERY, HintLink.parse("query:-8123", SHOP).orElseThrow().kind());
        assertEquals("shop.public.orders", HintLink.parse("table:shop.public.orders", SHOP).orElseThrow().value());
        assertEquals(HintLink.Kind.LOCK, HintLink.parse("lock:4711", SHOP).orElseThrow().kind());
        assertEquals(HintLink.Kind.SERIES, HintLink.parse("series:wait_backends:Lock", SHOP).orElseThrow().kind());
        assertTrue(HintLink.parse("query:abc", SHOP).isEmpty());
        assertTrue(HintLink.parse("nothing", SHOP).isEmpty());
        assertTrue(HintLink.parse("query:1", null).isEmpty());
        assertTrue(HintLink.parse("url:http://x", SHOP).isEmpty());
    }

    private AnomaliesViewModel model(Role role) {
        return new AnomaliesViewModel(new AnomaliesService(api, background), Set.of(role), Clock.fixed(NOW, ZoneOffset.UTC), followed::add);
    }

    static InstanceSummary instance(long id, String name) {
        return new InstanceSummary(id, name, "db" + id, 5432, InstanceStatus.UP, NOW, NOW, "17.2", "primary", null);
    }
}
