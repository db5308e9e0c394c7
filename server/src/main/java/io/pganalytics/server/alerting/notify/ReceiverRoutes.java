package io.pganalytics.server.alerting.notify;

import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.pganalytics.common.alerting.Receiver;
import io.pganalytics.common.auth.Role;
import io.pganalytics.server.audit.AuditLog;
import io.pganalytics.server.audit.Confirmations;
import io.pganalytics.server.audit.RequestActor;
import io.pganalytics.server.http.Access;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.ApiRules;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.JsonBodies;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code /receivers}: viewers list and read receivers without their settings; admins read them whole (never a secret),
 * create, replace, delete (confirmed) and test-send them.
 */
final class ReceiverRoutes implements ApiService {
    private final ReceiverStore store;
    private final Notifications notifications;
    private final JsonBodies bodies;
    private final AuditLog audit;
    private final Confirmations confirmations;

    ReceiverRoutes(ReceiverStore store, Notifications notifications, JsonBodies bodies, AuditLog audit, Confirmations confirmations) {
        this.store = store;
        this.notifications = notifications;
        this.bodies = bodies;
        this.audit = audit;
        this.confirmations = confirmations;
    }

    /**
     * The body of a create or replace: a {@link Receiver} whose answer-only fields ({@code id}, {@code secretsSet},
     * {@code updatedAt}) are accepted and ignored, so a client may send back what it read; {@code version} optional.
     */
    record ReceiverRequest(Long id, String name, String kind, Map<String, String> settings, Map<String, String> secrets, List<String> secretsSet,
                           Instant updatedAt, Long version) {

        Receiver receiver() {
            return new Receiver(null, name, kind, settings, secrets, null, null, version == null ? 0 : version);
        }
    }

    @Override
    public void register(ApiRules rules) {
        rules.get("/receivers", Access.VIEWER, (request, response) -> bodies.ok(response, store.list().stream()
                        .map(receiver -> shown(request, receiver)).toList()))
                .post("/receivers", Access.ADMIN, this::create)
                .get("/receivers/{id}", Access.VIEWER, (request, response) -> bodies.ok(response, shown(request, store.get(id(request)))))
                .put("/receivers/{id}", Access.ADMIN, this::update)
                .delete("/receivers/{id}", Access.ADMIN, this::delete)
                .post("/receivers/{id}/test", Access.ADMIN, (request, response) -> bodies.ok(response, notifications.test(id(request))));
    }

    private void create(ServerRequest request, ServerResponse response) {
        Receiver body = bodies.read(request, ReceiverRequest.class).receiver();
        store.checkCreate(body);
        bodies.created(response, store.create(body, RequestActor.of(request), audit));
    }

    private void update(ServerRequest request, ServerResponse response) {
        long id = id(request);
        Receiver body = bodies.read(request, ReceiverRequest.class).receiver();
        store.checkUpdate(id, body);
        bodies.ok(response, store.update(id, body, RequestActor.of(request), audit));
    }

    private void delete(ServerRequest request, ServerResponse response) {
        long id = id(request);
        Receiver receiver = store.get(id);
        store.checkDelete(id);
        confirmations.require(request, ApiRules.caller(request), null, "receiver.delete",
                "Delete receiver '" + receiver.name() + "' (" + receiver.kind() + "): its notifications' history keeps no link to it.");
        store.delete(id, RequestActor.of(request), audit);
        response.status(Status.NO_CONTENT_204).send();
    }

    private static Receiver shown(ServerRequest request, Receiver receiver) {
        if (ApiRules.caller(request).roles().contains(Role.ADMIN)) {
            return receiver;
        }
        return new Receiver(receiver.id(), receiver.name(), receiver.kind(), Map.of(), null, receiver.secretsSet(), receiver.updatedAt(),
                receiver.version());
    }

    static long id(ServerRequest request) {
        String text = request.path().pathParameters().get("id");
        try {
            long id = Long.parseLong(text);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.invalid("id", "must be a positive number");
    }
}
