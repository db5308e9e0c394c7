package io.pganalytics.server.alerting.api;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.pganalytics.common.alerting.AlertFeedback;
import io.pganalytics.common.alerting.AlertView;
import io.pganalytics.common.alerting.IncidentView;
import io.pganalytics.server.audit.AuditEvent;
import io.pganalytics.server.http.Access;
import io.pganalytics.server.http.ApiRules;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.Caller;
import io.pganalytics.server.http.JsonBodies;
import io.pganalytics.server.http.RequestParameters;

import java.util.List;

/**
 * {@code /alerts...}, {@code /incidents...} and {@code /notifications...}: viewers read; operators (and admins)
 * acknowledge, resolve and give feedback, each change audited. The fleet stream {@code /alerts/live} is the live
 * feature's (registered before these).
 */
final class AlertRoutes implements ApiService {
    static final List<String> ALERT_STATES = List.of(AlertView.PENDING, AlertView.FIRING, AlertView.RESOLVED);
    static final List<String> SEVERITIES = List.of("info", "warning", "critical");
    static final List<String> INCIDENT_STATES = List.of(IncidentView.OPEN, IncidentView.ACKNOWLEDGED, IncidentView.RESOLVED);
    static final List<String> NOTIFICATION_STATES = List.of("pending", "sent", "failed", "dropped");
    static final List<String> EVENTS = List.of("firing", "updated", "escalated", "repeat", "resolved");

    private final AlertService service;
    private final JsonBodies bodies;

    AlertRoutes(AlertService service, JsonBodies bodies) {
        this.service = service;
        this.bodies = bodies;
    }

    @Override
    public void register(ApiRules rules) {
        // the fixed paths before /alerts/{id}
        rules.get("/alerts/counts", Access.VIEWER, (request, response) -> bodies.ok(response, service.counts()))
                .get("/alerts", Access.VIEWER, (request, response) -> bodies.ok(response, service.alerts(alertFilter(request))))
                .get("/alerts/{id}", Access.VIEWER, (request, response) -> bodies.ok(response, service.alert(id(request))))
                .post("/alerts/{id}/acknowledge", Access.OPERATOR, (request, response) ->
                        bodies.ok(response, service.acknowledgeAlert(id(request), caller(request).name(), actor(request))))
                .get("/incidents", Access.VIEWER, (request, response) -> bodies.ok(response, service.incidents(incidentFilter(request))))
                .get("/incidents/{id}", Access.VIEWER, (request, response) -> bodies.ok(response, service.incident(id(request))))
                .post("/incidents/{id}/acknowledge", Access.OPERATOR, (request, response) ->
                        bodies.ok(response, service.acknowledge(id(request), caller(request).name(), actor(request))))
                .post("/incidents/{id}/resolve", Access.OPERATOR, (request, response) ->
                        bodies.ok(response, service.resolve(id(request), caller(request).name(), actor(request))))
                .post("/incidents/{id}/feedback", Access.OPERATOR, this::incidentFeedback)
                .get("/incidents/{id}/notifications", Access.VIEWER, (request, response) ->
                        bodies.ok(response, service.notificationsOf(id(request))))
                .get("/notifications", Access.VIEWER, (request, response) ->
                        bodies.ok(response, service.notifications(notificationFilter(request))))
                .post("/notifications/{id}/feedback", Access.OPERATOR, this::notificationFeedback);
    }

    private void incidentFeedback(ServerRequest request, ServerResponse response) {
        long id = id(request);
        AlertFeedback body = bodies.read(request, AlertFeedback.class);
        bodies.ok(response, service.incidentFeedback(id, body, caller(request).name(), actor(request)));
    }

    private void notificationFeedback(ServerRequest request, ServerResponse response) {
        long id = id(request);
        AlertFeedback body = bodies.read(request, AlertFeedback.class);
        bodies.ok(response, service.notificationFeedback(id, body, caller(request).name(), actor(request)));
    }

    /** {@code state, severity, instance, rule, from, to}: alerts overlapping {@code [from, to)} (an active one lasts to now). */
    static ListFilter alertFilter(ServerRequest request) {
        return new ListFilter(request).choices("state", "a.state", ALERT_STATES).choices("severity", "a.severity", SEVERITIES)
                .id("instance", "a.instance_id").id("rule", "a.rule_id").range("a.pending_since", "a.resolved_at");
    }

    static ListFilter incidentFilter(ServerRequest request) {
        return new ListFilter(request).choices("state", "i.state", INCIDENT_STATES).choices("severity", "i.severity", SEVERITIES)
                .id("instance", "i.instance_id").range("i.opened_at", "i.resolved_at");
    }

    /** {@code state, event, incident, receiver, from, to}: notifications decided in {@code [from, to)}. */
    static ListFilter notificationFilter(ServerRequest request) {
        return new ListFilter(request).choices("state", "n.state", NOTIFICATION_STATES).choices("event", "n.event", EVENTS)
                .id("incident", "n.incident_id").id("receiver", "n.receiver_id").range("n.created_at", null);
    }

    static long id(ServerRequest request) {
        return ListFilter.positive("id", request.path().pathParameters().get("id"));
    }

    static Caller caller(ServerRequest request) {
        return ApiRules.caller(request);
    }

    static AuditEvent.Actor actor(ServerRequest request) {
        return AuditEvent.Actor.of(ApiRules.caller(request), RequestParameters.clientAddress(request),
                request.headers().first(HeaderNames.USER_AGENT).orElse(null));
    }
}
