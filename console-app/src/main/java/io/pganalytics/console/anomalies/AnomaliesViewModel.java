package io.pganalytics.console.anomalies;

import io.pganalytics.common.anomaly.AnomalyPage;
import io.pganalytics.common.anomaly.AnomalyView;
import io.pganalytics.common.anomaly.DetectionSeriesInfo;
import io.pganalytics.common.auth.Role;
import io.pganalytics.common.query.InstanceSummary;
import io.pganalytics.console.api.AnomalyQuery;
import io.pganalytics.console.api.ApiException;
import io.pganalytics.console.api.LiveListener;
import io.pganalytics.console.api.LiveSubscription;
import io.pganalytics.console.common.Figures;
import io.pganalytics.console.common.TimeRange;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The Anomalies screen: the fleet's anomalies filtered by severity, state, instance and time range, newest first (and,
 * among those that started in the same minute, critical first), kept live by the fleet's anomaly stream; the selected
 * one's detail ({@link AnomalyDetailViewModel}); and the anomaly settings of the filtered or selected anomaly's instance
 * ({@link AnomalySettingsViewModel}).
 */
public final class AnomaliesViewModel {
    private static final Logger LOG = LoggerFactory.getLogger(AnomaliesViewModel.class);
    /** The filter's "any" choice. */
    public static final String ANY = "any";
    public static final List<String> SEVERITIES = List.of(ANY, AnomalyView.CRITICAL, AnomalyView.WARNING);
    public static final List<String> STATES = List.of(ANY, AnomalyView.OPEN, AnomalyView.CLOSED);

    /** An anomaly as the list shows it. */
    public record Row(long id, String severity, String instance, String series, String kind, String started, String duration,
                      String score, String actualVersusExpected, String feedback, AnomalyView anomaly) {
    }

    /** Newest first; among anomalies that started in the same minute, critical first, then by id. */
    static final Comparator<AnomalyView> ORDER = Comparator
            .comparing((AnomalyView a) -> a.startedAt().truncatedTo(ChronoUnit.MINUTES)).reversed()
            .thenComparing(a -> AnomalyView.CRITICAL.equals(a.severity()) ? 0 : 1)
            .thenComparing(Comparator.comparingLong(AnomalyView::id).reversed());

    private final AnomaliesService service;
    private final Clock clock;
    private final ObjectProperty<String> severity = new SimpleObjectProperty<>(ANY);
    private final ObjectProperty<String> state = new SimpleObjectProperty<>(ANY);
    private final ObjectProperty<InstanceSummary> instance = new SimpleObjectProperty<>();
    private final ObjectProperty<TimeRange> range = new SimpleObjectProperty<>(TimeRange.LAST_24_HOURS);
    private final ObservableList<InstanceSummary> instances = FXCollections.observableArrayList();
    private final ObservableList<Row> rows = FXCollections.observableArrayList();
    private final ObjectProperty<Row> selected = new SimpleObjectProperty<>();
    private final StringProperty summary = new SimpleStringProperty("Loading…");
    private final StringProperty liveText = new SimpleStringProperty("Connecting to the live stream…");
    private final StringProperty error = new SimpleStringProperty("");
    private final AnomalyDetailViewModel detail;
    private final AnomalySettingsViewModel settings;
    private final List<AnomalyView> anomalies = new ArrayList<>();
    private final Map<String, DetectionSeriesInfo> catalogue = new HashMap<>();
    private LiveSubscription live;
    private Long opening;

    /** @param onLink opens what a root-cause hint names (the composition root's navigation) */
    public AnomaliesViewModel(AnomaliesService service, Collection<Role> roles, Clock clock, Consumer<HintLink> onLink) {
        this.service = service;
        this.clock = clock;
        boolean mayOperate = Role.anyGrants(roles, Role.OPERATOR);
        this.detail = new AnomalyDetailViewModel(service, clock, mayOperate, link -> {
            if (link.kind() == HintLink.Kind.ANOMALY) {
                open(Long.parseLong(link.value()));
            } else {
                onLink.accept(link);
            }
        }, this::changed);
        this.settings = new AnomalySettingsViewModel(service, mayOperate);
        severity.addListener((o, a, b) -> refresh());
        state.addListener((o, a, b) -> refresh());
        range.addListener((o, a, b) -> refresh());
        instance.addListener((o, a, chosen) -> {
            refresh();
            if (chosen != null) {
                settings.instanceProperty().set(chosen);
            }
        });
        selected.addListener((o, a, row) -> showDetail(row == null ? null : row.anomaly()));
    }

    /** Reads the instances, the series catalogue and the list, and follows the fleet stream until {@link #stop()}. */
    public void start() {
        service.instances(list -> {
            instances.setAll(list.stream().sorted(Comparator.comparing(InstanceSummary::name)).toList());
            if (settings.instanceProperty().get() == null && !list.isEmpty()) {
                settings.instanceProperty().set(instance.get() != null ? instance.get() : instances.getFirst());
            }
            if (detail.anomalyProperty().get() != null && detail.instance() == null) {
                showDetail(detail.anomalyProperty().get());
            }
        }, failure -> failed("Reading the instances", failure));
        service.catalogue(list -> {
            catalogue.clear();
            list.forEach(info -> catalogue.put(info.series(), info));
            settings.offer(list.stream().map(DetectionSeriesInfo::series).sorted().toList());
        }, failure -> LOG.info("anomalies: the series catalogue: {}", failure.getMessage()));
        refresh();
        if (live == null) {
            live = service.live(this::arrived, this::liveState);
        }
    }

    public void stop() {
        if (live != null) {
            live.close();
            live = null;
        }
    }

    /** The list read again with the current filters. */
    public void refresh() {
        service.list(query(), this::listed, failure -> failed("Reading the anomalies", failure));
    }

    /** Shows one anomaly's detail (a marker clicked on a dashboard, a hint's link), reading it when the list lacks it. */
    public void open(long id) {
        Row row = rows.stream().filter(r -> r.id() == id).findFirst().orElse(null);
        if (row != null) {
            selected.set(row);
            return;
        }
        opening = id;
        service.anomaly(id, found -> {
            if (Objects.equals(opening, found.id())) {
                opening = null;
                selected.set(null);
                showDetail(found);
            }
        }, failure -> failed("Reading anomaly " + id, failure));
    }

    AnomalyQuery query() {
        TimeRange current = range.get();
        return new AnomalyQuery(instance.get() == null ? null : instance.get().id(), choice(severity.get()), choice(state.get()), null,
                current.start(clock), current.end(clock));
    }

    private static String choice(String value) {
        return value == null || ANY.equals(value) ? null : value;
    }

    private void listed(AnomalyPage page) {
        error.set("");
        anomalies.clear();
        anomalies.addAll(page.anomalies());
        show();
        if (opening != null) {
            open(opening);
        }
    }

    /** A live event: an anomaly that opened, grew or closed. */
    void arrived(AnomalyView anomaly) {
        boolean known = anomalies.removeIf(a -> a.id() == anomaly.id());
        if (known || matches(anomaly)) {
            anomalies.add(anomaly);
            show();
        }
        AnomalyView shown = detail.anomalyProperty().get();
        if (shown != null && shown.id() == anomaly.id() && selected.get() == null) {
            showDetail(anomaly);
        }
    }

    /** Feedback changed an anomaly: its row follows. */
    private void changed(AnomalyView anomaly) {
        if (anomalies.removeIf(a -> a.id() == anomaly.id())) {
            anomalies.add(anomaly);
            show();
        }
    }

    private boolean matches(AnomalyView a) {
        AnomalyQuery q = query();
        return (q.instanceId() == null || q.instanceId() == a.instanceId())
                && (q.severity() == null || q.severity().equals(a.severity()))
                && (q.state() == null || q.state().equals(a.state()))
                && (q.from() == null || !a.startedAt().isBefore(q.from()))
                && (range.get().isCustom() ? a.startedAt().isBefore(q.to()) : true);
    }

    private void show() {
        anomalies.sort(ORDER);
        Long keep = selected.get() == null ? null : selected.get().id();
        Instant now = clock.instant();
        rows.setAll(anomalies.stream().map(a -> row(a, now)).toList());
        if (keep != null) {
            rows.stream().filter(r -> r.id() == keep).findFirst().ifPresentOrElse(selected::set, () -> selected.set(null));
        }
        long open = anomalies.stream().filter(a -> AnomalyView.OPEN.equals(a.state())).count();
        long critical = anomalies.stream().filter(a -> AnomalyView.CRITICAL.equals(a.severity())).count();
        summary.set(anomalies.isEmpty() ? "No anomaly matches the filters."
                : anomalies.size() + (anomalies.size() == 1 ? " anomaly" : " anomalies") + "  ·  " + open + " open  ·  " + critical + " critical");
    }

    static Row row(AnomalyView a, Instant now) {
        return new Row(a.id(), a.severity(), a.instanceName(), a.label(), AnomalyFigures.kind(a.kind()), Figures.time(a.startedAt()),
                AnomalyFigures.duration(a, now), AnomalyFigures.score(a), AnomalyFigures.actualVersusExpected(a),
                a.feedback() == null ? "" : a.feedback(), a);
    }

    private void showDetail(AnomalyView anomaly) {
        InstanceSummary owner = anomaly == null ? null
                : instances.stream().filter(i -> i.id() == anomaly.instanceId()).findFirst().orElse(null);
        detail.show(anomaly, owner, catalogue);
        if (owner != null && instance.get() == null) {
            settings.instanceProperty().set(owner);
        }
    }

    private void liveState(LiveListener.State live, String text) {
        switch (live) {
            case LIVE -> liveText.set("Live: new and changed anomalies appear as they are detected.");
            case CONNECTING -> liveText.set("Connecting to the live stream…");
            case STALE, RECONNECTING -> liveText.set("Reconnecting…  " + text);
            case SESSION_EXPIRED -> liveText.set(text);
            case CLOSED -> liveText.set("");
        }
    }

    private void failed(String what, Throwable failure) {
        if (failure instanceof ApiException e && e.kind() == ApiException.Kind.SESSION_EXPIRED) {
            return;
        }
        LOG.info("anomalies: {}: {}", what, failure.getMessage());
        error.set(what + " failed: " + (failure instanceof ApiException e ? e.getMessage() : failure.toString()));
    }

    public ObjectProperty<String> severityProperty() {
        return severity;
    }

    public ObjectProperty<String> stateProperty() {
        return state;
    }

    public ObjectProperty<InstanceSummary> instanceProperty() {
        return instance;
    }

    public ObjectProperty<TimeRange> rangeProperty() {
        return range;
    }

    public ObservableList<InstanceSummary> instances() {
        return instances;
    }

    public ObservableList<Row> rows() {
        return rows;
    }

    public ObjectProperty<Row> selectedProperty() {
        return selected;
    }

    public ReadOnlyStringProperty summaryProperty() {
        return summary;
    }

    public ReadOnlyStringProperty liveTextProperty() {
        return liveText;
    }

    public ReadOnlyStringProperty errorProperty() {
        return error;
    }

    public AnomalyDetailViewModel detail() {
        return detail;
    }

    public AnomalySettingsViewModel settings() {
        return settings;
    }
}
