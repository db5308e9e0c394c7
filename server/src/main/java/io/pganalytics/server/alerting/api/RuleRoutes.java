package io.pganalytics.server.alerting.api;

import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.pganalytics.common.alerting.AlertRule;
import io.pganalytics.common.alerting.Condition;
import io.pganalytics.common.alerting.Escalation;
import io.pganalytics.common.alerting.RuleScope;
import io.pganalytics.server.audit.Confirmations;
import io.pganalytics.server.http.Access;
import io.pganalytics.server.http.ApiRules;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.JsonBodies;
import io.pganalytics.server.http.RequestParameters;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code /rules...}: viewers read rules, the signals, previews and the effectiveness figures; operators (and admins)
 * create, change and delete rules (a deletion confirmed first, 428), each change audited.
 */
final class RuleRoutes implements ApiService {
    private final RuleService service;
    private final JsonBodies bodies;
    private final Confirmations confirmations;
    private final int defaultEffectivenessDays;

    RuleRoutes(RuleService service, JsonBodies bodies, Confirmations confirmations, int defaultEffectivenessDays) {
        this.service = service;
        this.bodies = bodies;
        this.confirmations = confirmations;
        this.defaultEffectivenessDays = defaultEffectivenessDays;
    }

    /**
     * A rule as a client sends it: an {@link AlertRule} of which the server ignores {@code id}, {@code packKey},
     * {@code sensitivityFactor}, {@code updatedBy} and {@code updatedAt}; {@code enabled} defaults to true and
     * {@code version} is required on update.
     */
    record RuleRequest(Long id, String name, String description, String packKey, Boolean enabled, String severity, Condition condition,
                       String forDuration, ScopeBody scope, Map<String, String> labels, String summary, Escalation escalation,
                       Double sensitivityFactor, String updatedBy, Instant updatedAt, Long version) {
        AlertRule rule() {
            return new AlertRule(null, name, description, null, enabled == null || enabled, severity, condition, forDuration,
                    scope == null ? null : new RuleScope(scope.instances(), scope.labels()), labels,
                    summary, escalation, 1.0, null, null, version == null ? 0 : version);
        }
    }

    /** A rule's scope as sent: {@code all} is what the server answers (derived from the rest), read and ignored. */
    record ScopeBody(List<Long> instances, Map<String, String> labels, Boolean all) {
    }

    @Override
    public void register(ApiRules rules) {
        // the fixed paths before /rules/{id}
        rules.get("/rules/signals", Access.VIEWER, (request, response) -> bodies.ok(response, service.signals()))
                .get("/rules/effectiveness", Access.VIEWER, (request, response) -> bodies.ok(response, service.effectiveness(
                        RequestParameters.intParameter(request, "days", defaultEffectivenessDays, 1, 400))))
                .post("/rules/preview", Access.VIEWER, this::preview)
                .get("/rules", Access.VIEWER, (request, response) -> bodies.ok(response, service.list()))
                .post("/rules", Access.OPERATOR, this::create)
                .get("/rules/{id}", Access.VIEWER, (request, response) -> bodies.ok(response, service.find(AlertRoutes.id(request))))
                .put("/rules/{id}", Access.OPERATOR, this::update)
                .delete("/rules/{id}", Access.OPERATOR, this::delete);
    }

    private void preview(ServerRequest request, ServerResponse response) {
        int days = RequestParameters.intParameter(request, "days", 7, 1, 31);
        RuleRequest body = bodies.read(request, RuleRequest.class);
        bodies.ok(response, service.preview(body.rule(), days));
    }

    private void create(ServerRequest request, ServerResponse response) {
        RuleRequest body = bodies.read(request, RuleRequest.class);
        bodies.created(response, service.create(body.rule(), AlertRoutes.caller(request).name(), AlertRoutes.actor(request)));
    }

    private void update(ServerRequest request, ServerResponse response) {
        long id = AlertRoutes.id(request);
        RuleRequest body = bodies.read(request, RuleRequest.class);
        bodies.ok(response, service.update(id, body.rule(), body.version(), AlertRoutes.caller(request).name(), AlertRoutes.actor(request)));
    }

    private void delete(ServerRequest request, ServerResponse response) {
        long id = AlertRoutes.id(request);
        String summary = service.deletionSummary(id);
        confirmations.require(request, AlertRoutes.caller(request), null, "alert-rule.delete", summary);
        service.delete(id, AlertRoutes.caller(request).name(), AlertRoutes.actor(request));
        response.status(Status.NO_CONTENT_204).send();
    }
}
