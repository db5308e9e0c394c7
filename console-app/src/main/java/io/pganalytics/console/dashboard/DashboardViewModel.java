package io.pganalytics.console.dashboard;

import io.pganalytics.common.anomaly.AnomalyBand;
import io.pganalytics.common.anomaly.AnomalyView;
import io.pganalytics.common.anomaly.DetectionSeriesInfo;
import io.pganalytics.common.query.InstanceDetail;
import io.pganalytics.common.query.InstanceSummary;
import io.pganalytics.common.query.KeyFigures;
import io.pganalytics.common.query.LiveUpdate;
import io.pganalytics.common.query.SeriesPoint;
import io.pganalytics.common.query.SeriesResponse;
import io.pganalytics.common.query.WaitEvents;
import io.pganalytics.common.query.WaitSample;
import io.pganalytics.console.api.ApiException;
import io.pganalytics.console.api.LiveListener;
import io.pganalytics.console.api.LiveSubscription;
import io.pganalytics.console.common.Background;
import io.pganalytics.console.common.BandPoint;
import io.pganalytics.console.common.ChartMarker;
import io.pganalytics.console.common.Figures;
import io.pganalytics.console.common.TimeRange;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.ObservableMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.concurrent.ScheduledFuture;

/**
 * One instance's dashboard: live figures for the tiles (from the fleet row at first, then from every live update),
 * the top wait events, and one point list per {@link Chart} over the time range, refreshed every 30 seconds while
 * auto-refresh is on. Behind each chart whose metric shows a detection series, the series' expected band, and on it the
 * series' anomalies as markers (read with the charts, and added as the live stream reports them); a marker opens the
 * anomaly's detail.
 */
public final class DashboardViewModel {
    private static final Logger LOG = LoggerFactory.getLogger(DashboardViewModel.class);
    static final Duration REFRESH_EVERY = Duration.ofSeconds(30);

    /**
     * What the dashboard can say about its data. {@code RECONNECTING}: the live stream went silent (no event and no
     * heartbeat for three heartbeat periods) and is being reopened; the figures shown may be old.
     */
    public enum State { LOADING, NO_DATA, LIVE, RECONNECTING, UNREACHABLE, EXPIRED }

    /** One wait event and the backends waiting on it. */
    public record Wait(String event, double backends) {
    }

    private final DashboardService service;
    private final InstanceSummary instance;
    private final ObjectProperty<TimeRange> range;
    private final Clock clock;

    private final ObjectProperty<State> state = new SimpleObjectProperty<>(State.LOADING);
    private final StringProperty stateText = new SimpleStringProperty("Loading…");
    private final StringProperty subtitle = new SimpleStringProperty("");
    private final DoubleProperty tps = new SimpleDoubleProperty(Double.NaN);
    private final DoubleProperty connections = new SimpleDoubleProperty(Double.NaN);
    private final DoubleProperty maxConnections = new SimpleDoubleProperty(Double.NaN);
    private final DoubleProperty cacheHitPercent = new SimpleDoubleProperty(Double.NaN);
    private final DoubleProperty longestTransaction = new SimpleDoubleProperty(Double.NaN);
    private final DoubleProperty replicationLag = new SimpleDoubleProperty(Double.NaN);
    private final DoubleProperty deadlocks = new SimpleDoubleProperty(0);
    private final DoubleProperty conflicts = new SimpleDoubleProperty(0);
    private final DoubleProperty cpuPercent = new SimpleDoubleProperty(Double.NaN);
    private final DoubleProperty memoryPercent = new SimpleDoubleProperty(Double.NaN);
    private final BooleanProperty hostMetrics = new SimpleBooleanProperty();
    private final ObservableList<Wait> waits = FXCollections.observableArrayList();
    private final IntegerProperty liveUpdates = new SimpleIntegerProperty();
    private final ObjectProperty<Instant> lastUpdate = new SimpleObjectProperty<>();
    private final ObservableMap<String, List<SeriesPoint>> series = FXCollections.observableHashMap();
    private final BooleanProperty chartsLoading = new SimpleBooleanProperty();
    private final BooleanProperty autoRefresh = new SimpleBooleanProperty(true);
    private final ObservableMap<String, List<BandPoint>> bands = FXCollections.observableHashMap();
    private final ObservableMap<String, List<ChartMarker>> markers = FXCollections.observableHashMap();
    /** Chart metric -> the detection series whose band it shows. */
    private final Map<String, String> banded = new HashMap<>();
    /** Detection series -> the chart metric that shows it. */
    private final Map<String, String> charted = new HashMap<>();
    private final Map<String, List<AnomalyView>> anomalies = new HashMap<>();
    private final LongConsumer onAnomaly;

    private LiveSubscription live;
    private ScheduledFuture<?> timer;
    private int pendingCharts;

    public DashboardViewModel(DashboardService service, InstanceSummary instance, ObjectProperty<TimeRange> range, Clock clock) {
        this(service, instance, range, clock, id -> { });
    }

    /** @param onAnomaly opens an anomaly's detail (a marker was clicked) */
    public DashboardViewModel(DashboardService service, InstanceSummary instance, ObjectProperty<TimeRange> range, Clock clock,
                              LongConsumer onAnomaly) {
        this.service = service;
        this.onAnomaly = onAnomaly;
        this.instance = instance;
        this.range = range;
        this.clock = clock;
        subtitle.set(describe(instance.version(), instance.role(), instance.host() + ":" + instance.port()));
        if (instance.figures() != null) {
            show(instance.figures());
        }
        if (instance.lastCollectedAt() == null) {
            setState(State.NO_DATA, "No data yet: the collector has not sent a sample for this instance.");
        }
        range.addListener((o, a, b) -> loadCharts());
    }

    public void start() {
        service.instance(instance.id(), this::detail, this::failed);
        loadCharts();
        service.detectionSeries(this::catalogued, failure -> LOG.info("instance {}: the detection series: {}", instance.id(), failure.getMessage()));
        live = service.live(instance.id(), this::update, this::anomaly, this::liveState);
        if (timer == null) {
            timer = service.every(REFRESH_EVERY, () -> {
                if (autoRefresh.get() && pendingCharts == 0) {
                    loadCharts();
                } else if (autoRefresh.get()) {
                    LOG.debug("instance {}: the last refresh is still loading; this one is skipped", instance.id());
                }
            });
        }
    }

    public void stop() {
        if (live != null) {
            live.close();
            live = null;
        }
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    /** Reloads the charts and waits over the current range. */
    public void refresh() {
        loadCharts();
    }

    void update(LiveUpdate update) {
        Map<String, Double> f = update.figures();
        set(tps, f.get("tps"));
        set(connections, f.get("connections"));
        set(maxConnections, f.get("max_connections"));
        set(cacheHitPercent, percent(f.get("cache_hit_ratio")));
        set(longestTransaction, f.get("longest_transaction_seconds"));
        set(replicationLag, f.get("replication_lag_seconds"));
        if (f.containsKey("deadlocks")) {
            deadlocks.set(deadlocks.get() + f.get("deadlocks"));
        }
        if (f.containsKey("conflicts")) {
            conflicts.set(conflicts.get() + f.get("conflicts"));
        }
        if (f.containsKey("host_cpu_busy_ratio") || f.containsKey("host_memory_used_ratio")) {
            hostMetrics.set(true);
            set(cpuPercent, percent(f.get("host_cpu_busy_ratio")));
            set(memoryPercent, percent(f.get("host_memory_used_ratio")));
        }
        if (!update.waits().isEmpty()) {
            waits.setAll(update.waits().entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(5)
                    .map(e -> new Wait(e.getKey(), e.getValue())).toList());
        }
        lastUpdate.set(update.collectedAt());
        liveUpdates.set(liveUpdates.get() + 1);
        setState(State.LIVE, "Live  ·  last sample " + Figures.time(update.collectedAt()));
    }

    /**
     * Which charts show a detection series: the one named like the chart's metric, else the first the catalogue maps to
     * it. A chart the catalogue maps nothing to, and that it does not describe otherwise, shows the series of its own name
     * (every chart's metric is one of the fixed detection series; a server whose catalogue is not wired answers none).
     */
    private void catalogued(List<DetectionSeriesInfo> catalogue) {
        banded.clear();
        charted.clear();
        for (DetectionSeriesInfo info : catalogue) {
            if (info.chartMetric() == null || Chart.ALL.stream().noneMatch(c -> c.metric().equals(info.chartMetric()))) {
                continue;
            }
            charted.put(info.series(), info.chartMetric());
            if (info.series().equals(info.chartMetric()) || !banded.containsKey(info.chartMetric())) {
                banded.put(info.chartMetric(), info.series());
            }
        }
        for (Chart chart : Chart.ALL) {
            boolean described = catalogue.stream().anyMatch(info -> info.series().equals(chart.metric()));
            if (!banded.containsKey(chart.metric()) && !described) {
                banded.put(chart.metric(), chart.metric());
                charted.put(chart.metric(), chart.metric());
            }
        }
        loadBands();
    }

    private void loadBands() {
        TimeRange current = range.get();
        Instant from = current.start(clock);
        Instant to = current.end(clock);
        if (Duration.between(from, to).compareTo(Duration.ofDays(7)) > 0) {
            from = to.minus(Duration.ofDays(7));
        }
        for (Map.Entry<String, String> chart : banded.entrySet()) {
            service.band(instance.id(), chart.getValue(), from, to, band -> banded(chart.getKey(), band),
                    failure -> LOG.debug("instance {}: band of {}: {}", instance.id(), chart.getValue(), failure.getMessage()));
        }
    }

    private void banded(String metric, AnomalyBand band) {
        bands.remove(metric);
        bands.put(metric, band.points().stream().map(p -> new BandPoint(p.at().getEpochSecond(), p.lower(), p.upper())).toList());
        anomalies.put(metric, new ArrayList<>(band.anomalies()));
        showMarkers(metric);
    }

    /** A live anomaly of this instance: its marker appears on (or moves along) the chart of its series. */
    void anomaly(AnomalyView anomaly) {
        String metric = charted.get(anomaly.series());
        if (anomaly.instanceId() != instance.id() || metric == null) {
            return;
        }
        List<AnomalyView> shown = anomalies.computeIfAbsent(metric, m -> new ArrayList<>());
        shown.removeIf(a -> a.id() == anomaly.id());
        shown.add(anomaly);
        showMarkers(metric);
    }

    private void showMarkers(String metric) {
        Instant now = clock.instant();
        markers.remove(metric);
        markers.put(metric, anomalies.getOrDefault(metric, List.of()).stream().map(a -> ChartMarker.of(a, now)).toList());
    }

    /** A marker was clicked. */
    public void openAnomaly(long id) {
        onAnomaly.accept(id);
    }

    private void liveState(LiveListener.State live, String detail) {
        switch (live) {
            case LIVE -> {
                if (state.get() != State.NO_DATA) {
                    setState(State.LIVE, lastUpdate.get() == null ? "Live" : "Live  ·  last sample " + Figures.time(lastUpdate.get()));
                }
            }
            case STALE -> setState(State.RECONNECTING, "Reconnecting…  ·  " + detail);
            case RECONNECTING -> setState(State.UNREACHABLE, detail);
            case SESSION_EXPIRED -> setState(State.EXPIRED, detail);
            default -> {
            }
        }
    }

    private void detail(InstanceDetail detail) {
        InstanceSummary s = detail.summary();
        subtitle.set(describe(s.version(), s.role(), s.host() + ":" + s.port())
                + (detail.uptimeSeconds() == null ? "" : "  ·  up " + Figures.seconds(detail.uptimeSeconds())));
        if (s.figures() != null) {
            show(s.figures());
        }
        if (state.get() == State.LOADING) {
            setState(s.lastCollectedAt() == null ? State.NO_DATA : State.LIVE, s.lastCollectedAt() == null
                    ? "No data yet: the collector has not sent a sample for this instance."
                    : "Live  ·  last sample " + Figures.time(s.lastCollectedAt()));
        }
    }

    private void loadCharts() {
        TimeRange current = range.get();
        Instant from = current.start(clock);
        Instant to = current.end(clock);
        chartsLoading.set(true);
        pendingCharts = Chart.ALL.size() + 1;
        for (Chart chart : Chart.ALL) {
            service.series(instance.id(), chart.metric(), from, to, this::loaded, failure -> {
                chartDone();
                if (!(failure instanceof ApiException e && e.kind() == ApiException.Kind.REJECTED)) {
                    failed(failure);
                } else {
                    LOG.debug("series {}: {}", chart.metric(), failure.getMessage());
                }
            });
        }
        service.waits(instance.id(), from, to, this::waitsLoaded, failure -> chartDone());
        loadBands();
    }

    private void loaded(SeriesResponse response) {
        chartDone();
        series.remove(response.metric()); // a new answer is drawn even when it equals the old one
        series.put(response.metric(), response.points());
        if (state.get() == State.UNREACHABLE && live == null) {
            setState(State.LIVE, "Live");
        }
    }

    private void waitsLoaded(WaitEvents events) {
        chartDone();
        if (waits.isEmpty() && !events.items().isEmpty()) {
            waits.setAll(events.items().stream().sorted(Comparator.comparingDouble(WaitSample::avgBackends).reversed()).limit(5)
                    .map(w -> new Wait(w.waitEventType().equals(w.waitEvent()) ? w.waitEvent() : w.waitEventType() + ":" + w.waitEvent(),
                            w.avgBackends())).toList());
        }
    }

    private void chartDone() {
        pendingCharts = Math.max(0, pendingCharts - 1);
        chartsLoading.set(pendingCharts > 0);
    }

    private void failed(Throwable failure) {
        if (failure instanceof ApiException e) {
            switch (e.kind()) {
                case SESSION_EXPIRED -> setState(State.EXPIRED, e.getMessage());
                case UNREACHABLE -> setState(State.UNREACHABLE, e.getMessage() + " Reconnecting…");
                default -> LOG.info("instance {}: {}", instance.id(), e.getMessage());
            }
        } else if (failure instanceof Background.Busy) {
            LOG.debug("instance {}: {}", instance.id(), failure.getMessage()); // Background told the person
        } else {
            LOG.error("instance {}", instance.id(), failure);
        }
    }

    private void show(KeyFigures f) {
        set(tps, f.tps());
        set(connections, f.connections() == null ? null : f.connections().doubleValue());
        set(maxConnections, f.maxConnections() == null ? null : f.maxConnections().doubleValue());
        set(cacheHitPercent, percent(f.cacheHitRatio()));
        set(longestTransaction, f.longestTransactionSeconds());
        set(replicationLag, f.replicationLagSeconds());
    }

    private void setState(State newState, String text) {
        state.set(newState);
        stateText.set(text);
    }

    private static void set(DoubleProperty property, Double value) {
        if (value != null) {
            property.set(value);
        }
    }

    private static Double percent(Double ratio) {
        return ratio == null ? null : ratio * 100;
    }

    private static String describe(String version, String role, String address) {
        return "PostgreSQL " + (version == null ? "?" : version) + "  ·  " + (role == null ? "role unknown" : role) + "  ·  " + address;
    }

    public InstanceSummary instance() {
        return instance;
    }

    public ReadOnlyObjectProperty<State> stateProperty() {
        return state;
    }

    public ReadOnlyStringProperty stateTextProperty() {
        return stateText;
    }

    public ReadOnlyStringProperty subtitleProperty() {
        return subtitle;
    }

    public ReadOnlyDoubleProperty tpsProperty() {
        return tps;
    }

    public ReadOnlyDoubleProperty connectionsProperty() {
        return connections;
    }

    public ReadOnlyDoubleProperty maxConnectionsProperty() {
        return maxConnections;
    }

    public ReadOnlyDoubleProperty cacheHitPercentProperty() {
        return cacheHitPercent;
    }

    public ReadOnlyDoubleProperty longestTransactionProperty() {
        return longestTransaction;
    }

    public ReadOnlyDoubleProperty replicationLagProperty() {
        return replicationLag;
    }

    public ReadOnlyDoubleProperty deadlocksProperty() {
        return deadlocks;
    }

    public ReadOnlyDoubleProperty conflictsProperty() {
        return conflicts;
    }

    public ReadOnlyDoubleProperty cpuPercentProperty() {
        return cpuPercent;
    }

    public ReadOnlyDoubleProperty memoryPercentProperty() {
        return memoryPercent;
    }

    public BooleanProperty hostMetricsProperty() {
        return hostMetrics;
    }

    public ObservableList<Wait> waits() {
        return waits;
    }

    public ReadOnlyIntegerProperty liveUpdatesProperty() {
        return liveUpdates;
    }

    public ObservableMap<String, List<SeriesPoint>> series() {
        return series;
    }

    /** Chart metric -> the expected band shaded behind it. */
    public ObservableMap<String, List<BandPoint>> bands() {
        return bands;
    }

    /** Chart metric -> the anomalies marked on it. */
    public ObservableMap<String, List<ChartMarker>> markers() {
        return markers;
    }

    public BooleanProperty chartsLoadingProperty() {
        return chartsLoading;
    }

    public BooleanProperty autoRefreshProperty() {
        return autoRefresh;
    }

    public ObjectProperty<TimeRange> rangeProperty() {
        return range;
    }
}
