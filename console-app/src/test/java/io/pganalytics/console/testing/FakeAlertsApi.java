package io.pganalytics.console.testing;

import io.pganalytics.common.alerting.AlertCounts;
import io.pganalytics.common.alerting.AlertFeedback;
import io.pganalytics.common.alerting.AlertPage;
import io.pganalytics.common.alerting.AlertView;
import io.pganalytics.common.alerting.IncidentPage;
import io.pganalytics.common.alerting.IncidentView;
import io.pganalytics.common.alerting.NotificationView;
import io.pganalytics.common.alerting.Silence;
import io.pganalytics.common.anomaly.AnomalyHint;
import io.pganalytics.common.api.ApiError;
import io.pganalytics.common.api.ErrorType;
import io.pganalytics.console.api.AlertQuery;
import io.pganalytics.console.api.AlertsApi;
import io.pganalytics.console.api.ApiException;
import io.pganalytics.console.api.LiveListener;
import io.pganalytics.console.api.LiveSubscription;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The alerting calls of {@link FakeConsoleApi}: answers what a test gives it, filtering and ordering as the server does
 * (newest first), acknowledging and resolving incidents, keeping the silences it is given, and refusing what a viewer
 * may not change as the server does (403).
 */
public final class FakeAlertsApi implements AlertsApi {
    public final List<String> calls = new ArrayList<>();
    public final List<AlertView> alerts = new ArrayList<>();
    public final List<IncidentView> incidents = new ArrayList<>();
    public final Map<Long, List<NotificationView>> notifications = new HashMap<>();
    public final List<Silence> silences = new ArrayList<>();
    public final List<AlertQuery> queries = new ArrayList<>();
    /** When true, changes are refused as for a viewer. */
    public boolean viewer;
    /** The acknowledging user's name. */
    public String username = "olga";
    public LiveListener live;
    private long silenceIds = 500;

    @Override
    public synchronized AlertPage alerts(AlertQuery query, int limit, String cursor) {
        calls.add("alerts " + query.alertParameters());
        queries.add(query);
        return new AlertPage(alerts.stream().filter(a -> matches(a, query))
                .sorted(Comparator.comparing(FakeAlertsApi::began).reversed()).limit(limit).toList(), null);
    }

    private static Instant began(AlertView a) {
        return a.firedAt() != null ? a.firedAt() : a.pendingSince();
    }

    private static boolean matches(AlertView a, AlertQuery q) {
        return (q.state() == null || q.state().equals(a.state()))
                && (q.severity() == null || q.severity().equals(a.severity()))
                && (q.instanceId() == null || q.instanceId().equals(a.instanceId()))
                && (q.ruleId() == null || q.ruleId() == a.ruleId())
                && (q.from() == null || !began(a).isBefore(q.from()))
                && (q.to() == null || began(a).isBefore(q.to()));
    }

    @Override
    public synchronized AlertView alert(long id) {
        calls.add("alert " + id);
        return alerts.stream().filter(a -> a.id() == id).findFirst()
                .orElseThrow(() -> ApiException.rejected(ApiError.of(ErrorType.NOT_FOUND, "alert " + id + " does not exist")));
    }

    @Override
    public synchronized List<AlertCounts> counts() {
        calls.add("counts");
        Map<Long, int[]> byInstance = new TreeMap<>();
        for (AlertView a : alerts) {
            if (!AlertView.FIRING.equals(a.state()) || a.instanceId() == null) {
                continue;
            }
            int[] c = byInstance.computeIfAbsent(a.instanceId(), id -> new int[5]);
            switch (a.severity()) {
                case "critical" -> c[0]++;
                case "warning" -> c[1]++;
                default -> c[2]++;
            }
            IncidentView incident = a.incidentId() == null ? null : find(a.incidentId());
            if (incident != null && IncidentView.ACKNOWLEDGED.equals(incident.state())) {
                c[3]++;
            }
            if (a.suppressed()) {
                c[4]++;
            }
        }
        return byInstance.entrySet().stream().map(e -> new AlertCounts(e.getKey(), e.getValue()[0], e.getValue()[1], e.getValue()[2],
                e.getValue()[3], e.getValue()[4])).toList();
    }

    @Override
    public synchronized IncidentPage incidents(AlertQuery query, int limit, String cursor) {
        calls.add("incidents " + query.incidentParameters());
        return new IncidentPage(incidents.stream()
                .filter(i -> (query.state() == null || query.state().equals(i.state()))
                        && (query.instanceId() == null || query.instanceId().equals(i.instanceId())))
                .sorted(Comparator.comparing(IncidentView::openedAt).reversed()).limit(limit)
                .map(i -> withAlerts(i, AlertView.FIRING)).toList(), null);
    }

    @Override
    public synchronized IncidentView incident(long id) {
        calls.add("incident " + id);
        IncidentView found = find(id);
        if (found == null) {
            throw ApiException.rejected(ApiError.of(ErrorType.NOT_FOUND, "incident " + id + " does not exist"));
        }
        return withAlerts(found, null);
    }

    private IncidentView find(long id) {
        return incidents.stream().filter(i -> i.id() == id).findFirst().orElse(null);
    }

    private IncidentView withAlerts(IncidentView i, String state) {
        List<AlertView> own = alerts.stream().filter(a -> Objects.equals(a.incidentId(), i.id()))
                .filter(a -> state == null || state.equals(a.state())).toList();
        return copy(i, i.state(), i.acknowledgedAt(), i.acknowledgedBy(), i.resolvedAt(), i.resolvedBy(), i.feedback(), i.feedbackBy(), own);
    }

    @Override
    public synchronized IncidentView acknowledgeAlert(long alertId) {
        calls.add("acknowledgeAlert " + alertId);
        refuseViewer();
        AlertView a = alert(alertId);
        if (a.incidentId() == null) {
            throw ApiException.rejected(ApiError.of(ErrorType.CONFLICT, "alert " + alertId + " is pending: it has no incident to acknowledge"));
        }
        return changeIncident(a.incidentId(), IncidentView.ACKNOWLEDGED);
    }

    @Override
    public synchronized IncidentView acknowledge(long incidentId) {
        calls.add("acknowledge " + incidentId);
        refuseViewer();
        return changeIncident(incidentId, IncidentView.ACKNOWLEDGED);
    }

    @Override
    public synchronized IncidentView resolve(long incidentId) {
        calls.add("resolve " + incidentId);
        refuseViewer();
        return changeIncident(incidentId, IncidentView.RESOLVED);
    }

    private IncidentView changeIncident(long id, String state) {
        IncidentView i = incident(id);
        Instant now = Instant.now();
        IncidentView changed = IncidentView.ACKNOWLEDGED.equals(state)
                ? copy(i, state, i.acknowledgedAt() != null ? i.acknowledgedAt() : now, i.acknowledgedBy() != null ? i.acknowledgedBy() : username,
                i.resolvedAt(), i.resolvedBy(), i.feedback(), i.feedbackBy(), i.alerts())
                : copy(i, state, i.acknowledgedAt(), i.acknowledgedBy(), now, username, i.feedback(), i.feedbackBy(), i.alerts());
        incidents.replaceAll(x -> x.id() == id ? changed : x);
        return changed;
    }

    @Override
    public synchronized IncidentView feedback(long incidentId, AlertFeedback feedback) {
        calls.add("feedback " + incidentId + " " + feedback.verdict() + " " + feedback.comment());
        refuseViewer();
        IncidentView i = incident(incidentId);
        IncidentView changed = copy(i, i.state(), i.acknowledgedAt(), i.acknowledgedBy(), i.resolvedAt(), i.resolvedBy(), feedback.verdict(),
                username, i.alerts());
        incidents.replaceAll(x -> x.id() == incidentId ? changed : x);
        return changed;
    }

    @Override
    public synchronized List<NotificationView> notifications(long incidentId) {
        calls.add("notifications " + incidentId);
        return notifications.getOrDefault(incidentId, List.of());
    }

    @Override
    public synchronized Silence silence(Silence silence) {
        calls.add("silence " + silence.matchers() + " " + silence.reason());
        refuseViewer();
        if (silence.reason() == null || silence.reason().isBlank()) {
            throw ApiException.rejected(ApiError.of(ErrorType.VALIDATION_FAILED, "reason: required"));
        }
        Instant now = Instant.now();
        Silence created = new Silence(++silenceIds, silence.matchers(), silence.startsAt() == null ? now : silence.startsAt(), silence.endsAt(),
                silence.reason(), username, now, "active");
        silences.add(created);
        return created;
    }

    @Override
    public LiveSubscription live(LiveListener listener) {
        live = listener;
        return () -> live = null;
    }

    private void refuseViewer() {
        if (viewer) {
            throw ApiException.rejected(ApiError.of(ErrorType.FORBIDDEN, "this needs the operator role"));
        }
    }

    private static IncidentView copy(IncidentView i, String state, Instant acknowledgedAt, String acknowledgedBy, Instant resolvedAt,
                                     String resolvedBy, String feedback, String feedbackBy, List<AlertView> alerts) {
        return new IncidentView(i.id(), i.groupKey(), i.instanceId(), i.instanceName(), state, i.severity(), i.title(), i.openedAt(),
                acknowledgedAt, acknowledgedBy, resolvedAt, resolvedBy, i.escalationLevel(), i.nextEscalationAt(), i.hints(), alerts,
                feedback, feedbackBy);
    }

    /** A firing alert of rule {@code ruleName} on an instance, in incident {@code incidentId}, with its labels. */
    public static AlertView firing(long id, long instanceId, String instanceName, String ruleName, String severity, Instant firedAt,
                                   Long incidentId) {
        return alert(id, instanceId, instanceName, ruleName, AlertView.FIRING, severity, firedAt, null, incidentId);
    }

    public static AlertView alert(long id, long instanceId, String instanceName, String ruleName, String state, String severity,
                                  Instant firedAt, Instant resolvedAt, Long incidentId) {
        Map<String, String> labels = new TreeMap<>(Map.of("alertname", ruleName, "instance", instanceName, "instance_id",
                Long.toString(instanceId), "severity", severity, "rule_id", Long.toString(id * 10), "team", "dba"));
        return new AlertView(id, id * 10, ruleName, instanceId, instanceName, state, severity, labels,
                ruleName.replace('_', ' ') + " on " + instanceName, 42.5, firedAt.minusSeconds(120),
                AlertView.PENDING.equals(state) ? null : firedAt, resolvedAt, incidentId, false, false, null);
    }

    /** An open incident on an instance with two root-cause hints. */
    public static IncidentView incident(long id, long instanceId, String instanceName, String severity, String title, Instant openedAt) {
        return new IncidentView(id, "instance:" + instanceId, instanceId, instanceName, IncidentView.OPEN, severity, title, openedAt,
                null, null, null, null, 0, openedAt.plusSeconds(900), List.of(
                new AnomalyHint(1, AnomalyHint.LOCK, "pid 4711 blocks 9 backends", "UPDATE orders SET status = $1 WHERE id = $2",
                        "lock:4711", 0.81, openedAt.minusSeconds(60)),
                new AnomalyHint(2, AnomalyHint.STATEMENT, "UPDATE orders SET status = $1 WHERE id = $2", "calls 9.1/s -> 30.4/s",
                        "query:77001", 0.52, openedAt.minusSeconds(120))), List.of(), null, null);
    }
}
