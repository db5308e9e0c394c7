package io.pganalytics.console.viewmodels;

import io.pganalytics.common.query.InstancePage;
import io.pganalytics.common.query.InstanceStatus;
import io.pganalytics.common.query.InstanceSummary;
import io.pganalytics.common.query.KeyFigures;
import io.pganalytics.common.query.LiveUpdate;
import io.pganalytics.common.query.QueryStat;
import io.pganalytics.common.query.TopQueries;
import io.pganalytics.console.api.ApiException;
import io.pganalytics.console.api.LiveListener;
import io.pganalytics.console.common.Background;
import io.pganalytics.console.common.TimeRange;
import io.pganalytics.console.dashboard.DashboardService;
import io.pganalytics.console.dashboard.DashboardViewModel;
import io.pganalytics.common.backup.InstanceArchiving;
import io.pganalytics.console.fleet.ArchivingBadge;
import io.pganalytics.console.fleet.FleetService;
import io.pganalytics.console.fleet.FleetViewModel;
import io.pganalytics.console.login.LoginService;
import io.pganalytics.console.login.LoginViewModel;
import io.pganalytics.console.queries.QueriesService;
import io.pganalytics.console.queries.QueriesViewModel;
import io.pganalytics.console.queries.QueryOrder;
import io.pganalytics.console.testing.FakeConsoleApi;
import javafx.beans.property.SimpleObjectProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** View-models in plain JUnit: no screen, no FX thread; IO runs on the calling thread against a fake client. */
class ViewModelTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC);
    private final FakeConsoleApi api = new FakeConsoleApi();
    private final Background background = Background.direct();

    @AfterEach
    void close() {
        background.close();
    }

    @Test
    void aWrongPasswordShowsTheServersSentenceAndClearsThePassword() {
        List<Object> signedIn = new ArrayList<>();
        LoginViewModel model = new LoginViewModel(new LoginService(api, background, page -> { }), "", signedIn::add, () -> { });
        model.start(false);
        assertEquals("dba", model.usernameProperty().get(), "the last username is remembered");
        model.passwordProperty().set("wrong");
        model.signIn();
        assertEquals("The user name or password is wrong.", model.errorProperty().get());
        assertEquals("", model.passwordProperty().get());
        assertTrue(signedIn.isEmpty());
        model.passwordProperty().set("right");
        model.signIn();
        assertEquals(1, signedIn.size());
        assertEquals("", model.errorProperty().get());
    }

    @Test
    void signingInNeedsBothFields() {
        LoginViewModel model = new LoginViewModel(new LoginService(api, background, page -> { }), "Your session expired: please sign in again.", u -> { }, () -> { });
        model.signIn();
        assertEquals("Enter your username and password.", model.errorProperty().get());
        assertTrue(api.calls.isEmpty());
        assertEquals("Your session expired: please sign in again.", model.noticeProperty().get());
    }

    @Test
    void theFleetFiltersBySearchAndStatusAndOpensOne() {
        api.instances = new InstancePage(List.of(instance(1, "orders", InstanceStatus.UP), instance(2, "billing", InstanceStatus.DOWN),
                instance(3, "orders-replica", InstanceStatus.STALE)), 3, 0, 500, Map.of("up", 1L, "stale", 1L, "down", 1L), Instant.now());
        List<InstanceSummary> opened = new ArrayList<>();
        FleetViewModel model = new FleetViewModel(new FleetService(api, background), opened::add);
        model.refresh();
        assertEquals(3, model.visibleInstances().size());
        assertEquals("3 instances  ·  1 up  ·  1 stale  ·  1 down", model.summaryProperty().get());
        model.searchProperty().set("ORDERS");
        assertEquals(2, model.visibleInstances().size());
        model.statusFilterProperty().set(InstanceStatus.STALE);
        assertEquals(List.of("orders-replica"), model.visibleInstances().stream().map(InstanceSummary::name).toList());
        model.open(model.visibleInstances().getFirst());
        assertEquals(3, opened.getFirst().id());
    }

    @Test
    void theFleetShowsWhichInstancesStoppedArchivingWithABadgePerInstance() {
        api.instances = new InstancePage(List.of(instance(1, "orders", InstanceStatus.UP), instance(2, "billing", InstanceStatus.UP),
                instance(3, "reports", InstanceStatus.UP), instance(4, "scratch", InstanceStatus.UP)), 4, 0, 500, Map.of(), Instant.now());
        Instant at = Instant.now().minusSeconds(600);
        api.archiving = List.of(
                new InstanceArchiving("2", "billing", "failing", "on", 10, 7, "000000010000000000000009", at,
                        "00000001000000000000000A", at.plusSeconds(300), at.plusSeconds(590)),
                new InstanceArchiving("3", "reports", "stale", "on", 3, 0, "000000010000000000000003", at, null, null, at),
                new InstanceArchiving("4", "scratch", "disabled", "off", 0, 0, null, null, null, null, at),
                new InstanceArchiving("1", "orders", "ok", "on", 42, 0, "00000001000000000000002A", at, null, null, at));
        FleetViewModel model = new FleetViewModel(new FleetService(api, background), i -> { });
        model.refresh();
        assertEquals("2 instances stopped archiving WAL: billing (failing), reports (stale)", model.archivingAlertProperty().get());
        ArchivingBadge failing = model.archivingBadge(2);
        assertEquals("failing", failing.text());
        assertEquals("archiving-failing", failing.styleClass());
        assertTrue(failing.tooltip().contains("7 failed attempts, the last on 00000001000000000000000A"), failing.tooltip());
        assertEquals("stale", model.archivingBadge(3).text());
        assertEquals("off", model.archivingBadge(4).text());
        assertEquals("ok", model.archivingBadge(1).text());
        assertEquals("archiving-unknown", model.archivingBadge(99).styleClass(), "no data: a dash");
        assertTrue(model.archivingBadge(2).rank() < model.archivingBadge(3).rank()
                && model.archivingBadge(3).rank() < model.archivingBadge(1).rank(), "sorted worst first");

        api.archiving = List.of(new InstanceArchiving("2", "billing", "ok", "on", 11, 7, "00000001000000000000000A", Instant.now(),
                "00000001000000000000000A", at.plusSeconds(300), Instant.now()));
        model.refresh();
        assertEquals("", model.archivingAlertProperty().get(), "archiving resumed: no alert");
        assertEquals("ok", model.archivingBadge(2).text());
        assertEquals("archiving-unknown", model.archivingBadge(3).styleClass(), "an instance no longer listed loses its badge");
    }

    @Test
    void anUnreachableServerKeepsTheLastFleetAndSaysSo() {
        api.instances = new InstancePage(List.of(instance(1, "orders", InstanceStatus.UP)), 1, 0, 500, Map.of(), Instant.now());
        FleetViewModel model = new FleetViewModel(new FleetService(api, background), i -> { });
        model.refresh();
        api.failure = ApiException.unreachable("https://pga.example.com:8443", new java.net.ConnectException("Connection refused"));
        model.refresh();
        assertTrue(model.problemProperty().get().startsWith("The server https://pga.example.com:8443 is unreachable"), model.problemProperty().get());
        assertEquals(1, model.visibleInstances().size(), "the last data stays");
        api.failure = null;
        model.refresh();
        assertEquals("", model.problemProperty().get());
    }

    @Test
    void liveUpdatesDriveTheTilesAndStates() {
        DashboardViewModel model = new DashboardViewModel(new DashboardService(api, background), instance(7, "orders", InstanceStatus.UP),
                new SimpleObjectProperty<>(TimeRange.LAST_HOUR), CLOCK);
        model.start();
        assertEquals(12.5, model.tpsProperty().get(), "the fleet row's figures first");
        api.live.update(new LiveUpdate(1, 7, "orders", CLOCK.instant(), List.of("database"),
                Map.of("tps", 99.0, "connections", 42.0, "max_connections", 200.0, "cache_hit_ratio", 0.97, "deadlocks", 1.0),
                Map.of("Lock:transactionid", 3L, "CPU", 5L)));
        assertEquals(99.0, model.tpsProperty().get());
        assertEquals(42.0, model.connectionsProperty().get());
        assertEquals(97.0, model.cacheHitPercentProperty().get(), 1e-9);
        assertEquals(1.0, model.deadlocksProperty().get());
        assertEquals("CPU", model.waits().getFirst().event());
        assertEquals(DashboardViewModel.State.LIVE, model.stateProperty().get());
        api.live.state(LiveListener.State.RECONNECTING, "The server is unreachable. Retrying in 4 s.");
        assertEquals(DashboardViewModel.State.UNREACHABLE, model.stateProperty().get());
        api.live.state(LiveListener.State.SESSION_EXPIRED, "Your session expired: please sign in again.");
        assertEquals(DashboardViewModel.State.EXPIRED, model.stateProperty().get());
        model.stop();
    }

    @Test
    void anInstanceWithoutSamplesSaysNoDataYet() {
        InstanceSummary fresh = new InstanceSummary(8, "new", "h", 5432, InstanceStatus.DOWN, Instant.now(), null, null, null, null);
        DashboardViewModel model = new DashboardViewModel(new DashboardService(api, background), fresh,
                new SimpleObjectProperty<>(TimeRange.LAST_HOUR), CLOCK);
        assertEquals(DashboardViewModel.State.NO_DATA, model.stateProperty().get());
        assertTrue(model.stateTextProperty().get().startsWith("No data yet"));
    }

    @Test
    void queriesReloadInTheChosenOrderAndShowTheFullText() {
        api.top = new TopQueries(7, CLOCK.instant(), CLOCK.instant(), "raw", "total_time", 1, 0, 100,
                List.of(new QueryStat(42, 1, "shop", "SELECT full_text FROM t WHERE id = $1", false, 10, 50.0, 5.0, 10, 0, 3, 0, 0, 0, 0, 3, 0, 0, 0)),
                null);
        SimpleObjectProperty<TimeRange> range = new SimpleObjectProperty<>(TimeRange.LAST_HOUR);
        QueriesViewModel model = new QueriesViewModel(new QueriesService(api, background), 7, range, CLOCK);
        model.start();
        model.orderProperty().set(QueryOrder.CALLS);
        range.set(TimeRange.LAST_24_HOURS);
        assertEquals(List.of("top total_time", "top calls", "top calls"), api.calls);
        model.selectedProperty().set(model.queries().getFirst());
        assertEquals("SELECT full_text FROM t WHERE id = $1", model.textProperty().get());
    }

    @Test
    void customRangesMustStartBeforeTheyEnd() {
        Instant t = CLOCK.instant();
        assertEquals(t.minusSeconds(900), TimeRange.LAST_15_MINUTES.start(CLOCK));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> TimeRange.custom(t, t));
    }

    private static InstanceSummary instance(long id, String name, InstanceStatus status) {
        return new InstanceSummary(id, name, name + ".db", 5432, status, Instant.now(), Instant.now(), "17.2", "primary",
                new KeyFigures(12.5, 10L, 2L, 100L, 0.99, null, 1.5));
    }
}
