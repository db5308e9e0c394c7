package io.pganalytics.console.alerts;

import io.pganalytics.common.alerting.AlertEvent;
import io.pganalytics.common.alerting.AlertPage;
import io.pganalytics.common.alerting.AlertView;
import io.pganalytics.common.alerting.IncidentPage;
import io.pganalytics.common.alerting.IncidentView;
import io.pganalytics.common.alerting.Matcher;
import io.pganalytics.common.alerting.Silence;
import io.pganalytics.common.auth.Role;
import io.pganalytics.console.api.AlertQuery;
import io.pganalytics.console.api.ApiException;
import io.pganalytics.console.api.LiveListener;
import io.pganalytics.console.api.LiveSubscription;
import io.pganalytics.console.common.Figures;
import io.pganalytics.console.common.TimeRange;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The Alerts screen: the alerts firing now (most severe, then newest first), the incidents of the last 7 days (open and
 * acknowledged first), and the history of resolved alerts active in a chosen range, kept live by the fleet's alert stream;
 * the selected alert's or incident's detail ({@link IncidentDetailViewModel}); {@link #acknowledge()} (the key A) and
 * {@link #silence()} (the key S) on the selection, for operators.
 */
public final class AlertsViewModel {
    private static final Logger LOG = LoggerFactory.getLogger(AlertsViewModel.class);
    /** How far back the Incidents tab reads. */
    static final Duration INCIDENTS_SPAN = Duration.ofDays(7);

    /** The screen's own tabs. */
    public enum Tab { FIRING, INCIDENTS, HISTORY }

    /** An alert as the lists show it. */
    public record AlertRow(long id, String severity, String instance, String rule, String summary, String state, String since,
                           String duration, String value, String labels, String incident, AlertView alert) {
    }

    /** An incident as its list shows it. */
    public record IncidentRow(long id, String severity, String instance, String title, String state, String opened, String duration,
                              String alerts, String feedback, IncidentView incident) {
    }

    /** Critical first, then warning, then the rest; among equals, newest first. */
    static final Comparator<AlertView> ORDER = Comparator.comparingInt((AlertView a) -> rank(a.severity()))
            .thenComparing(AlertsViewModel::began, Comparator.reverseOrder())
            .thenComparing(Comparator.comparingLong(AlertView::id).reversed());
    /** Unresolved first (open before acknowledged), then newest first. */
    static final Comparator<IncidentView> INCIDENT_ORDER = Comparator
            .comparingInt((IncidentView i) -> IncidentView.OPEN.equals(i.state()) ? 0 : IncidentView.ACKNOWLEDGED.equals(i.state()) ? 1 : 2)
            .thenComparing(IncidentView::openedAt, Comparator.reverseOrder())
            .thenComparing(Comparator.comparingLong(IncidentView::id).reversed());

    private final AlertsService service;
    private final Clock clock;
    private final SilencePrompt prompt;
    private final boolean mayOperate;
    private final ObjectProperty<Tab> tab = new SimpleObjectProperty<>(Tab.FIRING);
    private final ObjectProperty<TimeRange> range = new SimpleObjectProperty<>(TimeRange.LAST_24_HOURS);
    private final ObservableList<AlertRow> firing = FXCollections.observableArrayList();
    private final ObservableList<IncidentRow> incidents = FXCollections.observableArrayList();
    private final ObservableList<AlertRow> history = FXCollections.observableArrayList();
    private final ObjectProperty<AlertRow> selectedAlert = new SimpleObjectProperty<>();
    private final ObjectProperty<IncidentRow> selectedIncident = new SimpleObjectProperty<>();
    private final StringProperty summary = new SimpleStringProperty("Loading…");
    private final StringProperty liveText = new SimpleStringProperty("Connecting to the live stream…");
    private final StringProperty status = new SimpleStringProperty("");
    private final StringProperty error = new SimpleStringProperty("");
    private final SimpleBooleanProperty operator = new SimpleBooleanProperty();
    private final IncidentDetailViewModel detail;
    private final List<AlertView> firingAlerts = new ArrayList<>();
    private final List<AlertView> resolvedAlerts = new ArrayList<>();
    private final Map<Long, IncidentView> incidentsById = new HashMap<>();
    private LiveSubscription live;

    public AlertsViewModel(AlertsService service, Collection<Role> roles, Clock clock, SilencePrompt prompt) {
        this.service = service;
        this.clock = clock;
        this.prompt = prompt;
        this.mayOperate = Role.anyGrants(roles, Role.OPERATOR);
        this.operator.set(mayOperate);
        this.detail = new IncidentDetailViewModel(service, clock, mayOperate, this::incidentChanged);
        range.addListener((o, a, b) -> readHistory());
        selectedAlert.addListener((o, a, row) -> {
            if (row != null) {
                detail.show(row.alert().incidentId());
            }
        });
        selectedIncident.addListener((o, a, row) -> {
            if (row != null) {
                detail.show(row.id());
            }
        });
        tab.addListener((o, a, b) -> {
            selectedAlert.set(null);
            selectedIncident.set(null);
            detail.show(null);
        });
    }

    /** Reads the three lists and follows the fleet's alert stream until {@link #stop()}. */
    public void start() {
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

    /** The lists read again. */
    public void refresh() {
        service.alerts(AlertQuery.inState(AlertView.FIRING), page -> {
            firingAlerts.clear();
            firingAlerts.addAll(page.alerts());
            error.set("");
            show();
        }, failure -> failed("Reading the firing alerts", failure));
        service.incidents(new AlertQuery(null, null, null, null, clock.instant().minus(INCIDENTS_SPAN), null), this::incidentsListed,
                failure -> failed("Reading the incidents", failure));
        readHistory();
        detail.reload();
    }

    private void readHistory() {
        TimeRange current = range.get();
        service.alerts(new AlertQuery(AlertView.RESOLVED, null, null, null, current.start(clock), current.end(clock)), (AlertPage page) -> {
            resolvedAlerts.clear();
            resolvedAlerts.addAll(page.alerts());
            show();
        }, failure -> failed("Reading the history", failure));
    }

    private void incidentsListed(IncidentPage page) {
        incidentsById.clear();
        page.incidents().forEach(i -> incidentsById.put(i.id(), i));
        show();
    }

    /** A live event: an alert that went pending, fired, escalated or resolved, or an incident that changed. */
    void arrived(AlertEvent event) {
        if (event.incident() != null) {
            IncidentView known = incidentsById.get(event.incident().id());
            incidentsById.put(event.incident().id(), event.incident().alerts().isEmpty() && known != null
                    ? IncidentDetailViewModel.withAlerts(event.incident(), known.alerts()) : event.incident());
        }
        AlertView alert = event.alert();
        if (alert != null) {
            firingAlerts.removeIf(a -> a.id() == alert.id());
            resolvedAlerts.removeIf(a -> a.id() == alert.id());
            if (AlertView.FIRING.equals(alert.state())) {
                firingAlerts.add(alert);
            } else if (AlertView.RESOLVED.equals(alert.state()) && inHistoryRange(alert)) {
                resolvedAlerts.add(alert);
            }
        }
        show();
        IncidentView shown = detail.incidentProperty().get();
        Long incidentId = event.incident() != null ? Long.valueOf(event.incident().id()) : alert == null ? null : alert.incidentId();
        if (shown != null && Objects.equals(shown.id(), incidentId)) {
            detail.reload();
        }
    }

    /** Whether a resolved alert was active in the History's range (the server lists those overlapping it). */
    private boolean inHistoryRange(AlertView a) {
        TimeRange current = range.get();
        return !ended(a).isBefore(current.start(clock)) && began(a).isBefore(current.end(clock));
    }

    /** An acknowledgement, resolution or feedback came back: the lists follow. */
    private void incidentChanged(IncidentView changed) {
        IncidentView known = incidentsById.get(changed.id());
        incidentsById.put(changed.id(), changed.alerts().isEmpty() && known != null
                ? IncidentDetailViewModel.withAlerts(changed, known.alerts()) : changed);
        show();
    }

    private void show() {
        Instant now = clock.instant();
        Long keepAlert = selectedAlert.get() == null ? null : selectedAlert.get().id();
        Long keepIncident = selectedIncident.get() == null ? null : selectedIncident.get().id();
        firing.setAll(firingAlerts.stream().sorted(ORDER).map(a -> row(a, now, incident(a))).toList());
        history.setAll(resolvedAlerts.stream().sorted(Comparator.comparing(AlertsViewModel::ended, Comparator.reverseOrder()))
                .map(a -> row(a, now, incident(a))).toList());
        incidents.setAll(incidentsById.values().stream().sorted(INCIDENT_ORDER).map(i -> incidentRow(i, now)).toList());
        if (keepAlert != null) {
            List<AlertRow> list = tab.get() == Tab.HISTORY ? history : firing;
            list.stream().filter(r -> r.id() == keepAlert).findFirst().ifPresent(selectedAlert::set);
        }
        if (keepIncident != null) {
            incidents.stream().filter(r -> r.id() == keepIncident).findFirst().ifPresent(selectedIncident::set);
        }
        long critical = firingAlerts.stream().filter(a -> "critical".equals(a.severity())).count();
        long open = incidentsById.values().stream().filter(i -> IncidentView.OPEN.equals(i.state())).count();
        long acknowledged = incidentsById.values().stream().filter(i -> IncidentView.ACKNOWLEDGED.equals(i.state())).count();
        summary.set(firingAlerts.isEmpty() ? "Nothing is firing."
                : firingAlerts.size() + " firing  ·  " + critical + " critical  ·  " + open + " incident" + (open == 1 ? "" : "s")
                + " open  ·  " + acknowledged + " acknowledged");
    }

    private IncidentView incident(AlertView a) {
        return a.incidentId() == null ? null : incidentsById.get(a.incidentId());
    }

    static AlertRow row(AlertView a, Instant now, IncidentView incident) {
        String incidentText = a.incidentId() == null ? Figures.NONE
                : "#" + a.incidentId() + (incident == null ? "" : " " + incident.state());
        return new AlertRow(a.id(), a.severity(), a.instanceName() == null ? Figures.NONE : a.instanceName(), a.ruleName(),
                a.summary() == null ? "" : a.summary(), AlertFigures.state(a), Figures.time(a.firedAt() != null ? a.firedAt() : a.pendingSince()),
                AlertFigures.alertDuration(a, now), AlertFigures.value(a.value()), AlertFigures.labels(a.labels()), incidentText, a);
    }

    static IncidentRow incidentRow(IncidentView i, Instant now) {
        long firingCount = i.alerts().stream().filter(a -> AlertView.FIRING.equals(a.state())).count();
        return new IncidentRow(i.id(), i.severity(), i.instanceName() == null ? i.groupKey() : i.instanceName(), i.title(),
                AlertFigures.state(i), Figures.time(i.openedAt()), AlertFigures.incidentDuration(i, now),
                IncidentView.RESOLVED.equals(i.state()) ? Figures.NONE : firingCount + " firing", i.feedback() == null ? "" : i.feedback(), i);
    }

    private static int rank(String severity) {
        return switch (severity == null ? "" : severity) {
            case "critical" -> 0;
            case "warning" -> 1;
            default -> 2;
        };
    }

    private static Instant began(AlertView a) {
        return a.firedAt() != null ? a.firedAt() : a.pendingSince();
    }

    private static Instant ended(AlertView a) {
        return a.resolvedAt() != null ? a.resolvedAt() : began(a);
    }

    /**
     * Acknowledges the selection (the key A): the selected alert's incident, or the selected incident. Escalation and
     * repeats of the incident stop; it stays acknowledged when more alerts join it.
     */
    public void acknowledge() {
        if (!mayOperate) {
            status.set("");
            error.set("Acknowledging needs the operator role.");
            return;
        }
        if (tab.get() == Tab.INCIDENTS) {
            IncidentRow row = selectedIncident.get();
            if (row == null) {
                error.set("Select an incident to acknowledge.");
                return;
            }
            service.acknowledge(row.id(), this::acknowledged, failure -> failed("Acknowledging incident " + row.id(), failure));
            return;
        }
        AlertRow row = selectedAlert.get();
        if (row == null) {
            error.set("Select an alert to acknowledge its incident.");
            return;
        }
        if (row.alert().incidentId() == null) {
            error.set("Alert " + row.id() + " has no incident to acknowledge.");
            return;
        }
        service.acknowledgeAlert(row.id(), this::acknowledged, failure -> failed("Acknowledging the incident of alert " + row.id(), failure));
    }

    private void acknowledged(IncidentView incident) {
        error.set("");
        status.set("Incident " + incident.id() + " on " + incident.instanceName() + " acknowledged"
                + (incident.acknowledgedBy() == null ? "" : " by " + incident.acknowledgedBy()) + ": escalation and repeats stop.");
        incidentChanged(incident);
        detail.changed(incident);
    }

    /**
     * Opens the silence dialog (the key S) prefilled from the selection: the selected alert's {@code alertname} and
     * {@code instance}, or the selected incident's {@code instance}.
     */
    public void silence() {
        if (!mayOperate) {
            status.set("");
            error.set("Silencing needs the operator role.");
            return;
        }
        List<Matcher> matchers;
        String about;
        if (tab.get() == Tab.INCIDENTS) {
            IncidentRow row = selectedIncident.get();
            if (row == null) {
                error.set("Select an alert or an incident to silence.");
                return;
            }
            matchers = row.incident().instanceName() == null ? List.of() : List.of(new Matcher("instance", "=", row.incident().instanceName()));
            about = "Silence the alerts of " + row.instance();
        } else {
            AlertRow row = selectedAlert.get();
            if (row == null) {
                error.set("Select an alert or an incident to silence.");
                return;
            }
            matchers = prefill(row.alert());
            about = "Silence " + row.rule() + " on " + row.instance();
        }
        error.set("");
        prompt.ask(new SilenceViewModel(service, clock, about, matchers, this::silenced));
    }

    /** The alert's {@code alertname} and {@code instance} labels, as exact matchers. */
    static List<Matcher> prefill(AlertView alert) {
        List<Matcher> matchers = new ArrayList<>();
        String name = alert.labels().getOrDefault("alertname", alert.ruleName());
        if (name != null) {
            matchers.add(new Matcher("alertname", "=", name));
        }
        String instance = alert.labels().getOrDefault("instance", alert.instanceName());
        if (instance != null) {
            matchers.add(new Matcher("instance", "=", instance));
        }
        return matchers;
    }

    private void silenced(Silence silence) {
        status.set("Silenced until " + Figures.time(silence.endsAt()) + ": " + AlertFigures.matchers(silence.matchers())
                + ". Matching alerts show as silenced and notify nobody.");
        refresh();
    }

    private void liveState(LiveListener.State state, String text) {
        switch (state) {
            case LIVE -> liveText.set("Live: alerts and incidents change here as the server evaluates.");
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
        LOG.info("alerts: {}: {}", what, failure.getMessage());
        status.set("");
        error.set(what + " failed: " + (failure instanceof ApiException e ? e.getMessage() : failure.toString()));
    }

    public ObjectProperty<Tab> tabProperty() {
        return tab;
    }

    public ObjectProperty<TimeRange> rangeProperty() {
        return range;
    }

    public ObservableList<AlertRow> firing() {
        return firing;
    }

    public ObservableList<IncidentRow> incidents() {
        return incidents;
    }

    public ObservableList<AlertRow> history() {
        return history;
    }

    public ObjectProperty<AlertRow> selectedAlertProperty() {
        return selectedAlert;
    }

    public ObjectProperty<IncidentRow> selectedIncidentProperty() {
        return selectedIncident;
    }

    public ReadOnlyStringProperty summaryProperty() {
        return summary;
    }

    public ReadOnlyStringProperty liveTextProperty() {
        return liveText;
    }

    public ReadOnlyStringProperty statusProperty() {
        return status;
    }

    public ReadOnlyStringProperty errorProperty() {
        return error;
    }

    /** Whether the person may acknowledge, resolve, silence and give feedback. */
    public ReadOnlyBooleanProperty operatorProperty() {
        return operator;
    }

    public IncidentDetailViewModel detail() {
        return detail;
    }
}
