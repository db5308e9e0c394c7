package io.pganalytics.console.alerts;

import io.pganalytics.common.alerting.AlertFeedback;
import io.pganalytics.common.alerting.AlertView;
import io.pganalytics.common.alerting.IncidentView;
import io.pganalytics.common.alerting.NotificationView;
import io.pganalytics.common.anomaly.AnomalyHint;
import io.pganalytics.console.api.ApiException;
import io.pganalytics.console.common.Figures;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
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
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One incident's detail: what and where, its state and escalation, its alerts (all of them, firing and resolved), the
 * root-cause hints of anomaly detection around its start, the notifications sent for it and what became of each, and
 * the useful / noise feedback with a comment (operators), with acknowledge and resolve.
 */
public final class IncidentDetailViewModel {
    private static final Logger LOG = LoggerFactory.getLogger(IncidentDetailViewModel.class);
    static final int MAX_COMMENT = 1000;
    static final String NOTHING = "Select an alert or an incident to see its incident: its alerts, hints, notifications and feedback.";

    /** A root-cause hint as the detail lists it. */
    public record HintRow(int rank, String type, String subject, String detail, String at) {
    }

    /** A notification as the detail lists it. */
    public record NotificationRow(long id, String event, String to, String state, String attempts, String created, String sent,
                                  String response) {
    }

    private final AlertsService service;
    private final Clock clock;
    private final boolean mayOperate;
    private final Consumer<IncidentView> onChanged;
    private final ObjectProperty<IncidentView> incident = new SimpleObjectProperty<>();
    private final StringProperty title = new SimpleStringProperty(NOTHING);
    private final StringProperty summary = new SimpleStringProperty("");
    private final ObservableList<AlertsViewModel.AlertRow> alerts = FXCollections.observableArrayList();
    private final ObservableList<HintRow> hints = FXCollections.observableArrayList();
    private final ObservableList<NotificationRow> notifications = FXCollections.observableArrayList();
    private final StringProperty comment = new SimpleStringProperty("");
    private final StringProperty feedback = new SimpleStringProperty("");
    private final BooleanProperty busy = new SimpleBooleanProperty();
    private final BooleanProperty canAcknowledge = new SimpleBooleanProperty();
    private final BooleanProperty canResolve = new SimpleBooleanProperty();
    private final StringProperty error = new SimpleStringProperty("");
    private Long showing;

    IncidentDetailViewModel(AlertsService service, Clock clock, boolean mayOperate, Consumer<IncidentView> onChanged) {
        this.service = service;
        this.clock = clock;
        this.mayOperate = mayOperate;
        this.onChanged = onChanged;
    }

    /** Reads and shows incident {@code id} with all its alerts and its notifications; null clears the detail. */
    public void show(Long id) {
        boolean same = Objects.equals(id, showing);
        showing = id;
        error.set("");
        if (id == null) {
            present(null);
            notifications.clear();
            return;
        }
        if (!same) {
            comment.set("");
            notifications.clear();
        }
        reload();
    }

    /** Reads the shown incident again (a live event changed it). */
    void reload() {
        Long id = showing;
        if (id == null) {
            return;
        }
        service.incident(id, found -> {
            if (Objects.equals(showing, found.id())) {
                present(found);
            }
        }, failure -> failed("Reading incident " + id, failure));
        service.notifications(id, list -> {
            if (Objects.equals(showing, id)) {
                notifications.setAll(list.stream().sorted(Comparator.comparing(NotificationView::createdAt, Comparator.nullsLast(Comparator.naturalOrder())))
                        .map(IncidentDetailViewModel::row).toList());
            }
        }, failure -> failed("Reading the notifications of incident " + id, failure));
    }

    /** Shows an incident the server just answered with (an acknowledgement), keeping the alerts already listed. */
    void changed(IncidentView changed) {
        if (Objects.equals(showing, changed.id())) {
            IncidentView current = incident.get();
            present(changed.alerts().isEmpty() && current != null ? withAlerts(changed, current.alerts()) : changed);
        }
    }

    private void present(IncidentView shown) {
        incident.set(shown);
        if (shown == null) {
            title.set(NOTHING);
            summary.set("");
            alerts.clear();
            hints.clear();
            feedback.set("");
            canAcknowledge.set(false);
            canResolve.set(false);
            return;
        }
        Instant now = clock.instant();
        title.set(AlertFigures.word(shown.severity()) + " incident " + shown.id() + ": " + shown.title());
        StringBuilder text = new StringBuilder();
        text.append(shown.instanceName() == null ? shown.groupKey() : shown.instanceName())
                .append("  ·  ").append(AlertFigures.state(shown))
                .append("  ·  opened ").append(Figures.time(shown.openedAt()))
                .append("  ·  ").append(AlertFigures.incidentDuration(shown, now));
        if (shown.acknowledgedAt() != null) {
            text.append("  ·  acknowledged ").append(Figures.time(shown.acknowledgedAt()));
        }
        if (IncidentView.OPEN.equals(shown.state()) && shown.nextEscalationAt() != null) {
            text.append("  ·  escalation level ").append(shown.escalationLevel() + 1).append(", next ")
                    .append(Figures.time(shown.nextEscalationAt())).append(" unless acknowledged");
        }
        summary.set(text.toString());
        alerts.setAll(shown.alerts().stream().sorted(AlertsViewModel.ORDER).map(a -> AlertsViewModel.row(a, now, shown)).toList());
        hints.setAll(shown.hints().stream().sorted(Comparator.comparingInt(AnomalyHint::rank))
                .map(h -> new HintRow(h.rank(), h.type(), h.subject(), h.detail(), h.at() == null ? "" : Figures.time(h.at()))).toList());
        feedback.set(shown.feedback() == null ? "No feedback yet." : "Feedback: " + shown.feedback()
                + (shown.feedbackBy() == null ? "" : " (" + shown.feedbackBy() + ")") + ".");
        canAcknowledge.set(mayOperate && IncidentView.OPEN.equals(shown.state()));
        canResolve.set(mayOperate && !IncidentView.RESOLVED.equals(shown.state()));
    }

    static NotificationRow row(NotificationView n) {
        String to = n.recipient() != null ? n.recipient() + (n.receiverName() == null ? "" : " via " + n.receiverName())
                : n.receiverName() == null ? Figures.NONE : n.receiverName();
        String event = n.event() + (n.escalationLevel() == null ? "" : " (level " + (n.escalationLevel() + 1) + ")");
        String response = n.lastError() != null ? (n.responseStatus() == null ? "" : n.responseStatus() + ": ") + n.lastError()
                : n.responseStatus() == null ? "" : n.responseStatus().toString();
        return new NotificationRow(n.id(), event, to, n.state() + (n.feedback() == null ? "" : " · " + n.feedback()),
                Integer.toString(n.attempts()), Figures.time(n.createdAt()), n.sentAt() == null ? Figures.NONE : Figures.time(n.sentAt()), response);
    }

    public void acknowledge() {
        act("Acknowledging", (id, done, fail) -> service.acknowledge(id, done, fail));
    }

    public void resolve() {
        act("Resolving", (id, done, fail) -> service.resolve(id, done, fail));
    }

    /** "Useful": it was worth the notification. */
    public void useful() {
        give(AlertFeedback.USEFUL);
    }

    /** "Noise": it should not have notified; the rule's noise share counts it. */
    public void noise() {
        give(AlertFeedback.NOISE);
    }

    private void give(String verdict) {
        String text = comment.get() == null ? "" : comment.get().strip();
        if (text.length() > MAX_COMMENT) {
            error.set("A comment holds at most " + MAX_COMMENT + " characters, not " + text.length() + ".");
            return;
        }
        act("Saving the feedback", (id, done, fail) -> service.feedback(id, new AlertFeedback(verdict, text.isEmpty() ? null : text), updated -> {
            comment.set("");
            done.accept(updated);
        }, fail));
    }

    private interface Action {
        void run(long incidentId, Consumer<IncidentView> done, Consumer<Throwable> fail);
    }

    private void act(String what, Action action) {
        IncidentView shown = incident.get();
        if (!mayOperate || shown == null || busy.get()) {
            return;
        }
        error.set("");
        busy.set(true);
        action.run(shown.id(), updated -> {
            busy.set(false);
            changed(updated);
            onChanged.accept(updated);
        }, failure -> {
            busy.set(false);
            failed(what, failure);
        });
    }

    private void failed(String what, Throwable failure) {
        if (failure instanceof ApiException e && e.kind() == ApiException.Kind.SESSION_EXPIRED) {
            return;
        }
        LOG.info("incident detail: {}: {}", what, failure.getMessage());
        error.set(what + " failed: " + (failure instanceof ApiException e ? e.getMessage() : failure.toString()));
    }

    static IncidentView withAlerts(IncidentView i, List<AlertView> alerts) {
        return new IncidentView(i.id(), i.groupKey(), i.instanceId(), i.instanceName(), i.state(), i.severity(), i.title(), i.openedAt(),
                i.acknowledgedAt(), i.acknowledgedBy(), i.resolvedAt(), i.resolvedBy(), i.escalationLevel(), i.nextEscalationAt(), i.hints(),
                alerts, i.feedback(), i.feedbackBy());
    }

    public boolean mayOperate() {
        return mayOperate;
    }

    public ReadOnlyObjectProperty<IncidentView> incidentProperty() {
        return incident;
    }

    public ReadOnlyStringProperty titleProperty() {
        return title;
    }

    public ReadOnlyStringProperty summaryProperty() {
        return summary;
    }

    public ObservableList<AlertsViewModel.AlertRow> alerts() {
        return alerts;
    }

    public ObservableList<HintRow> hints() {
        return hints;
    }

    public ObservableList<NotificationRow> notifications() {
        return notifications;
    }

    public StringProperty commentProperty() {
        return comment;
    }

    public ReadOnlyStringProperty feedbackProperty() {
        return feedback;
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy;
    }

    public ReadOnlyBooleanProperty canAcknowledgeProperty() {
        return canAcknowledge;
    }

    public ReadOnlyBooleanProperty canResolveProperty() {
        return canResolve;
    }

    public ReadOnlyStringProperty errorProperty() {
        return error;
    }
}
