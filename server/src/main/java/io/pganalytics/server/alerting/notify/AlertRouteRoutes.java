package io.pganalytics.server.alerting.notify;

import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.pganalytics.common.alerting.Matcher;
import io.pganalytics.common.alerting.NotificationRoute;
import io.pganalytics.server.audit.AuditLog;
import io.pganalytics.server.audit.Confirmations;
import io.pganalytics.server.audit.RequestActor;
import io.pganalytics.server.http.Access;
import io.pganalytics.server.http.ApiRules;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.JsonBodies;

import java.util.List;

/** {@code /routes}: viewers read the routing tree; admins create, replace and delete (confirmed) routes. */
final class AlertRouteRoutes implements ApiService {
    private final RouteStore store;
    private final JsonBodies bodies;
    private final AuditLog audit;
    private final Confirmations confirmations;

    AlertRouteRoutes(RouteStore store, JsonBodies bodies, AuditLog audit, Confirmations confirmations) {
        this.store = store;
        this.bodies = bodies;
        this.audit = audit;
        this.confirmations = confirmations;
    }

    /** The body of a create or replace: a {@link NotificationRoute} with {@code id} ignored and the rest optional but the target. */
    record RouteRequest(Long id, Integer position, String name, List<Matcher> matchers, Long receiverId, Long escalationPolicyId, String groupWait,
                        String groupInterval, String repeatInterval, Boolean continueMatching, Long version) {

        NotificationRoute route() {
            return new NotificationRoute(null, position == null ? 0 : position, name, matchers, receiverId, escalationPolicyId, groupWait,
                    groupInterval, repeatInterval, Boolean.TRUE.equals(continueMatching), version == null ? 0 : version);
        }
    }

    @Override
    public void register(ApiRules rules) {
        rules.get("/routes", Access.VIEWER, (request, response) -> bodies.ok(response, store.list()))
                .post("/routes", Access.ADMIN, this::create)
                .get("/routes/{id}", Access.VIEWER, (request, response) -> bodies.ok(response, store.get(ReceiverRoutes.id(request))))
                .put("/routes/{id}", Access.ADMIN, this::update)
                .delete("/routes/{id}", Access.ADMIN, this::delete);
    }

    private void create(ServerRequest request, ServerResponse response) {
        NotificationRoute body = bodies.read(request, RouteRequest.class).route();
        bodies.created(response, store.create(body, RequestActor.of(request), audit));
    }

    private void update(ServerRequest request, ServerResponse response) {
        long id = ReceiverRoutes.id(request);
        NotificationRoute body = bodies.read(request, RouteRequest.class).route();
        store.get(id);
        bodies.ok(response, store.update(id, body, RequestActor.of(request), audit));
    }

    private void delete(ServerRequest request, ServerResponse response) {
        long id = ReceiverRoutes.id(request);
        NotificationRoute route = store.get(id);
        confirmations.require(request, ApiRules.caller(request), null, "route.delete",
                "Delete route '" + route.name() + "': incidents it matched go to the next matching route, or nowhere.");
        store.delete(id, RequestActor.of(request), audit);
        response.status(Status.NO_CONTENT_204).send();
    }
}
