package io.pganalytics.server.alerting.api;

import io.pganalytics.common.alerting.AlertCounts;
import io.pganalytics.common.alerting.AlertEvent;
import io.pganalytics.common.alerting.AlertFeedback;
import io.pganalytics.common.alerting.AlertPage;
import io.pganalytics.common.alerting.AlertView;
import io.pganalytics.common.alerting.IncidentPage;
import io.pganalytics.common.alerting.IncidentView;
import io.pganalytics.common.alerting.NotificationPage;
import io.pganalytics.common.alerting.NotificationView;
import io.pganalytics.server.alerting.AlertEvents;
import io.pganalytics.server.alerting.IncidentNotifier;
import io.pganalytics.server.audit.AuditEvent;
import io.pganalytics.server.audit.AuditLog;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.RequestParameters;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the alert, incident and notification routes do, without HTTP: reads; acknowledge and resolve (audited, told to
 * the live streams, a hand-resolved incident told to the notifier in the same transaction); feedback, which also moves
 * the sensitivity of the anomaly-based rules behind an incident (noise x{@value #NOISE_FACTOR}, useful
 * /{@value #USEFUL_DIVISOR}, within [{@value #MIN_SENSITIVITY}, {@value #MAX_SENSITIVITY}]).
 */
final class AlertService {
    static final int MAX_COMMENT = 1000;
    static final double NOISE_FACTOR = 1.25;
    static final double USEFUL_DIVISOR = 1.1;
    static final double MIN_SENSITIVITY = 0.5;
    static final double MAX_SENSITIVITY = 3.0;
    static final int MAX_NAME = 64;

    private final Db db;
    private final AlertRepository repository;
    private final IncidentNotifier notifier;
    private final AlertEvents events;
    private final AuditLog audit;
    private final Clock clock;

    AlertService(Db db, AlertRepository repository, IncidentNotifier notifier, AlertEvents events, AuditLog audit, Clock clock) {
        this.db = db;
        this.repository = repository;
        this.notifier = notifier;
        this.events = events;
        this.audit = audit;
        this.clock = clock;
    }

    AlertPage alerts(ListFilter filter) {
        return repository.alerts(filter);
    }

    AlertView alert(long id) {
        return repository.alert(id).orElseThrow(() -> ApiException.notFound("no alert " + id));
    }

    List<AlertCounts> counts() {
        return repository.counts();
    }

    IncidentPage incidents(ListFilter filter) {
        return repository.incidents(filter);
    }

    IncidentView incident(long id) {
        return repository.incident(id).orElseThrow(() -> ApiException.notFound("no incident " + id));
    }

    List<NotificationView> notificationsOf(long incidentId) {
        if (!repository.incidentExists(incidentId)) {
            throw ApiException.notFound("no incident " + incidentId);
        }
        return repository.notificationsOf(incidentId);
    }

    NotificationPage notifications(ListFilter filter) {
        return repository.notifications(filter);
    }

    /** Acknowledges the incident of an alert; 409 while the alert is pending (it has no incident yet). */
    IncidentView acknowledgeAlert(long alertId, String by, AuditEvent.Actor actor) {
        Optional<Long> incident = repository.incidentOfAlert(alertId).orElseThrow(() -> ApiException.notFound("no alert " + alertId));
        return acknowledge(incident.orElseThrow(() -> ApiException.conflict("alert " + alertId
                + " has not fired yet (pending): it has no incident to acknowledge")), by, actor);
    }

    /**
     * Acknowledges an open incident: its escalation and repeats stop. Acknowledging it again changes nothing; a
     * resolved incident cannot be (409).
     */
    IncidentView acknowledge(long id, String by, AuditEvent.Actor actor) {
        IncidentView view = db.write("acknowledging incident " + id, c -> {
            AlertRepository.Incident incident = lock(c, id);
            String state = incident.view().state();
            if (state.equals(IncidentView.RESOLVED)) {
                throw ApiException.conflict("incident " + id + " is resolved: there is nothing to acknowledge");
            }
            if (state.equals(IncidentView.ACKNOWLEDGED)) {
                return null;
            }
            repository.acknowledge(c, id, name(by), clock.instant());
            audit.append(c, AuditEvent.change("alert-incident.acknowledge", "alert_incident", Long.toString(id)).actor(actor)
                    .change(Map.of("state", state), Map.of("state", IncidentView.ACKNOWLEDGED)));
            return lock(c, id).view();
        });
        if (view == null) {
            return incident(id);
        }
        publish(view);
        return view;
    }

    /**
     * Resolves an open or acknowledged incident by hand: the notifier is told RESOLVED in the same transaction (its
     * receivers hear the incident is over). Resolving a resolved incident is a 409.
     */
    IncidentView resolve(long id, String by, AuditEvent.Actor actor) {
        IncidentView view = db.write("resolving incident " + id, c -> {
            AlertRepository.Incident incident = lock(c, id);
            String state = incident.view().state();
            if (state.equals(IncidentView.RESOLVED)) {
                throw ApiException.conflict("incident " + id + " is resolved already");
            }
            repository.resolve(c, id, name(by), clock.instant());
            AlertRepository.Incident resolved = lock(c, id);
            notifier.changed(c, new IncidentNotifier.Change(AlertRepository.withAlerts(resolved.view(), List.of()),
                    IncidentNotifier.Event.RESOLVED, sharedLabels(resolved.view().alerts()), resolved.view().alerts(), resolved.version()));
            audit.append(c, AuditEvent.change("alert-incident.resolve", "alert_incident", Long.toString(id)).actor(actor)
                    .change(Map.of("state", state), Map.of("state", IncidentView.RESOLVED)));
            return resolved.view();
        });
        publish(view);
        return view;
    }

    /**
     * Records an operator's verdict on an incident. When the verdict changes, the anomaly-based rules of its alerts move
     * their sensitivity factor: the previous verdict's move is undone and the new one applied, so a verdict given twice
     * counts once.
     */
    IncidentView incidentFeedback(long id, AlertFeedback body, String by, AuditEvent.Actor actor) {
        String verdict = verdict(body);
        String comment = comment(body);
        IncidentView view = db.write("feedback on incident " + id, c -> {
            AlertRepository.Incident incident = lock(c, id);
            String before = incident.view().feedback();
            repository.incidentFeedback(c, id, verdict, comment, name(by), clock.instant());
            AuditEvent event = AuditEvent.change("alert-incident.feedback", "alert_incident", Long.toString(id)).actor(actor)
                    .change(mapOf("feedback", before), mapOf("feedback", verdict));
            // the comment is free text a person wrote: its length is recorded, not its words
            event.detail("commentLength", comment == null ? 0 : comment.length());
            if (!verdict.equals(before)) {
                double factor = factor(verdict) / (before == null ? 1.0 : factor(before));
                List<Long> rules = incident.view().alerts().stream().map(AlertView::ruleId).distinct().toList();
                Map<String, String> moved = new TreeMap<>();
                for (double[] rule : repository.scaleSensitivity(c, rules, factor, MIN_SENSITIVITY, MAX_SENSITIVITY)) {
                    moved.put(Long.toString((long) rule[0]), rule[1] + " -> " + rule[2]);
                }
                if (!moved.isEmpty()) {
                    event.detail("sensitivityFactors", moved);
                }
            }
            audit.append(c, event);
            return lock(c, id).view();
        });
        publish(view);
        return view;
    }

    /** Records an operator's verdict on one notification (counted in its rules' effectiveness). */
    NotificationView notificationFeedback(long id, AlertFeedback body, String by, AuditEvent.Actor actor) {
        String verdict = verdict(body);
        String comment = comment(body);
        return db.write("feedback on notification " + id, c -> {
            NotificationView before = repository.notification(c, id, true)
                    .orElseThrow(() -> ApiException.notFound("no notification " + id));
            repository.notificationFeedback(c, id, verdict, name(by), clock.instant());
            AuditEvent event = AuditEvent.change("alert-notification.feedback", "alert_notification", Long.toString(id)).actor(actor)
                    .change(mapOf("feedback", before.feedback()), mapOf("feedback", verdict));
            event.detail("commentLength", comment == null ? 0 : comment.length());
            audit.append(c, event);
            return repository.notification(c, id, false).orElseThrow();
        });
    }

    private AlertRepository.Incident lock(Connection c, long id) throws SQLException {
        return repository.incident(c, id, true).orElseThrow(() -> ApiException.notFound("no incident " + id));
    }

    private void publish(IncidentView view) {
        events.publish(new AlertEvent(null, AlertRepository.withAlerts(view, List.of())));
    }

    /** The labels every alert of an incident carries with the same value (what routes match). */
    static Map<String, String> sharedLabels(List<AlertView> alerts) {
        if (alerts.isEmpty()) {
            return Map.of();
        }
        Map<String, String> shared = new HashMap<>(alerts.getFirst().labels());
        for (AlertView alert : alerts) {
            shared.entrySet().removeIf(label -> !Objects.equals(alert.labels().get(label.getKey()), label.getValue()));
        }
        return shared;
    }

    private static double factor(String verdict) {
        return verdict.equals(AlertFeedback.NOISE) ? NOISE_FACTOR : 1 / USEFUL_DIVISOR;
    }

    static String verdict(AlertFeedback body) {
        String verdict = body.verdict() == null ? "" : body.verdict().strip();
        if (!verdict.equals(AlertFeedback.USEFUL) && !verdict.equals(AlertFeedback.NOISE)) {
            throw ApiException.invalid("verdict", "must be useful (it was worth the notification) or noise (it was not), was '"
                    + RequestParameters.abbreviate(body.verdict()) + "'");
        }
        return verdict;
    }

    static String comment(AlertFeedback body) {
        String comment = body.comment() == null || body.comment().isBlank() ? null : body.comment().strip();
        if (comment != null && comment.length() > MAX_COMMENT) {
            throw ApiException.invalid("comment", "must be at most " + MAX_COMMENT + " characters, was " + comment.length());
        }
        return comment;
    }

    static String name(String by) {
        return by == null ? "unknown" : by.length() > MAX_NAME ? by.substring(0, MAX_NAME) : by;
    }

    private static Map<String, Object> mapOf(String key, Object value) {
        Map<String, Object> map = new TreeMap<>();
        map.put(key, value);
        return map;
    }
}
