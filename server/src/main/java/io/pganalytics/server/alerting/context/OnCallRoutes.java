package io.pganalytics.server.alerting.context;

import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.pganalytics.common.alerting.EscalationPolicy;
import io.pganalytics.common.alerting.OnCallOverride;
import io.pganalytics.common.alerting.OnCallSchedule;
import io.pganalytics.server.audit.AuditLog;
import io.pganalytics.server.audit.Confirmations;
import io.pganalytics.server.http.Access;
import io.pganalytics.server.http.ApiRules;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.JsonBodies;

/**
 * {@code /oncall/...}: viewers see schedules, who is on call, contacts and escalation policies; operators add and
 * remove overrides; admins change schedules, contacts and policies (deleting a schedule or policy is confirmed). Every
 * change audited.
 */
final class OnCallRoutes implements ApiService {
    private final ScheduleStore schedules;
    private final ContactStore contacts;
    private final EscalationPolicyStore policies;
    private final ContextOnCall onCall;
    private final JsonBodies bodies;
    private final AuditLog audit;
    private final Confirmations confirmations;

    OnCallRoutes(ScheduleStore schedules, ContactStore contacts, EscalationPolicyStore policies, ContextOnCall onCall, JsonBodies bodies,
                 AuditLog audit, Confirmations confirmations) {
        this.schedules = schedules;
        this.contacts = contacts;
        this.policies = policies;
        this.onCall = onCall;
        this.bodies = bodies;
        this.audit = audit;
        this.confirmations = confirmations;
    }

    @Override
    public void register(ApiRules rules) {
        rules.get("/oncall/now", Access.VIEWER, (request, response) -> bodies.ok(response, onCall.now()))
                .get("/oncall/schedules", Access.VIEWER, (request, response) -> bodies.ok(response, schedules.list()))
                .post("/oncall/schedules", Access.ADMIN, this::createSchedule)
                .get("/oncall/schedules/{id}", Access.VIEWER, (request, response) -> bodies.ok(response, schedules.find(ContextRequests.id(request, "id"))))
                .put("/oncall/schedules/{id}", Access.ADMIN, this::updateSchedule)
                .delete("/oncall/schedules/{id}", Access.ADMIN, this::deleteSchedule)
                .get("/oncall/schedules/{id}/now", Access.VIEWER, (request, response) -> bodies.ok(response, onCall.now(ContextRequests.id(request, "id"))))
                .post("/oncall/schedules/{id}/overrides", Access.OPERATOR, this::addOverride)
                .delete("/oncall/schedules/{id}/overrides/{overrideId}", Access.OPERATOR, this::deleteOverride)
                .get("/oncall/contacts", Access.VIEWER, (request, response) -> bodies.ok(response, contacts.list()))
                .get("/oncall/contacts/{userId}", Access.VIEWER, (request, response) -> bodies.ok(response, contacts.find(ContextRequests.id(request, "userId"))))
                .put("/oncall/contacts/{userId}", Access.ADMIN, this::putContact)
                .get("/oncall/escalation-policies", Access.VIEWER, (request, response) -> bodies.ok(response, policies.list()))
                .post("/oncall/escalation-policies", Access.ADMIN, this::createPolicy)
                .get("/oncall/escalation-policies/{id}", Access.VIEWER, (request, response) -> bodies.ok(response, policies.find(ContextRequests.id(request, "id"))))
                .put("/oncall/escalation-policies/{id}", Access.ADMIN, this::updatePolicy)
                .delete("/oncall/escalation-policies/{id}", Access.ADMIN, this::deletePolicy);
    }

    private void createSchedule(ServerRequest request, ServerResponse response) {
        OnCallSchedule body = bodies.read(request, ContextBodies.ScheduleRequest.class).schedule(false);
        bodies.created(response, schedules.create(body, ContextRequests.author(request), ContextRequests.actor(request), audit));
    }

    private void updateSchedule(ServerRequest request, ServerResponse response) {
        long id = ContextRequests.id(request, "id");
        OnCallSchedule body = bodies.read(request, ContextBodies.ScheduleRequest.class).schedule(true);
        bodies.ok(response, schedules.update(id, body, ContextRequests.actor(request), audit));
    }

    private void deleteSchedule(ServerRequest request, ServerResponse response) {
        long id = ContextRequests.id(request, "id");
        OnCallSchedule schedule = schedules.find(id);
        confirmations.require(request, ApiRules.caller(request), null, ScheduleStore.DELETE_ACTION,
                "Delete the on-call schedule '" + schedule.name() + "' and its overrides.");
        schedules.delete(id, ContextRequests.actor(request), audit);
        response.status(Status.NO_CONTENT_204).send();
    }

    private void addOverride(ServerRequest request, ServerResponse response) {
        long id = ContextRequests.id(request, "id");
        OnCallOverride body = bodies.read(request, ContextBodies.OverrideRequest.class).override();
        bodies.created(response, schedules.addOverride(id, body, ContextRequests.author(request), ContextRequests.actor(request), audit));
    }

    private void deleteOverride(ServerRequest request, ServerResponse response) {
        schedules.deleteOverride(ContextRequests.id(request, "id"), ContextRequests.id(request, "overrideId"), ContextRequests.actor(request), audit);
        response.status(Status.NO_CONTENT_204).send();
    }

    private void putContact(ServerRequest request, ServerResponse response) {
        long userId = ContextRequests.id(request, "userId");
        ContextBodies.ContactRequest body = bodies.read(request, ContextBodies.ContactRequest.class);
        bodies.ok(response, contacts.put(userId, body.email(), ContextRequests.actor(request), audit));
    }

    private void createPolicy(ServerRequest request, ServerResponse response) {
        EscalationPolicy body = bodies.read(request, ContextBodies.PolicyRequest.class).policy(false);
        bodies.created(response, policies.create(body, ContextRequests.author(request), ContextRequests.actor(request), audit));
    }

    private void updatePolicy(ServerRequest request, ServerResponse response) {
        long id = ContextRequests.id(request, "id");
        EscalationPolicy body = bodies.read(request, ContextBodies.PolicyRequest.class).policy(true);
        bodies.ok(response, policies.update(id, body, ContextRequests.actor(request), audit));
    }

    private void deletePolicy(ServerRequest request, ServerResponse response) {
        long id = ContextRequests.id(request, "id");
        EscalationPolicy policy = policies.find(id);
        confirmations.require(request, ApiRules.caller(request), null, EscalationPolicyStore.DELETE_ACTION,
                "Delete the escalation policy '" + policy.name() + "'.");
        policies.delete(id, ContextRequests.actor(request), audit);
        response.status(Status.NO_CONTENT_204).send();
    }
}
