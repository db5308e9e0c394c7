package io.pganalytics.server.collectors;

import io.pganalytics.server.http.RequestParameters;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.pganalytics.common.collectors.UpdateCollectorRequest;
import io.pganalytics.server.audit.Confirmations;
import io.pganalytics.server.audit.RequestActor;
import io.pganalytics.server.http.Access;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.ApiRules;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.JsonBodies;

import java.util.UUID;

/**
 * {@code /collectors}: admins list, read, rename, disable and delete collectors; a collector reads itself at {@code /me}.
 * Deleting (revoking) a collector must be confirmed ({@link Confirmations}).
 */
final class CollectorsRoutes implements ApiService {
    private final CollectorService collectors;
    private final JsonBodies bodies;
    private final Confirmations confirmations;

    CollectorsRoutes(CollectorService collectors, JsonBodies bodies, Confirmations confirmations) {
        this.collectors = collectors;
        this.bodies = bodies;
        this.confirmations = confirmations;
    }

    @Override
    public void register(ApiRules rules) {
        // /me before /{id}: routes match in registration order.
        rules.get("/collectors/me", Access.COLLECTOR, this::me)
                .get("/collectors", Access.ADMIN, this::list)
                .get("/collectors/{id}", Access.ADMIN, this::get)
                .patch("/collectors/{id}", Access.ADMIN, this::update)
                .delete("/collectors/{id}", Access.ADMIN, this::delete);
    }

    private void me(ServerRequest request, ServerResponse response) {
        bodies.ok(response, collectors.me(ApiRules.caller(request)));
    }

    private void list(ServerRequest request, ServerResponse response) {
        int limit = RequestParameters.intParameter(request, "limit", 100, 1, CollectorService.MAX_PAGE);
        int offset = RequestParameters.intParameter(request, "offset", 0, 0, Integer.MAX_VALUE);
        bodies.ok(response, collectors.list(offset, limit));
    }

    private void get(ServerRequest request, ServerResponse response) {
        bodies.ok(response, collectors.get(id(request)));
    }

    private void update(ServerRequest request, ServerResponse response) {
        UUID id = id(request);
        UpdateCollectorRequest body = bodies.read(request, UpdateCollectorRequest.class);
        bodies.ok(response, collectors.update(id, body, RequestActor.of(request)));
    }

    private void delete(ServerRequest request, ServerResponse response) {
        UUID id = id(request);
        collectors.get(id);
        confirmations.require(request, ApiRules.caller(request), null, "collector.revoke",
                "Revoke collector " + id + ": its credential is refused at once on every server and it can no longer send data.");
        collectors.delete(id, RequestActor.of(request));
        response.status(Status.NO_CONTENT_204).send();
    }

    private static UUID id(ServerRequest request) {
        String text = request.path().pathParameters().get("id");
        return CollectorService.parseId(text)
                .orElseThrow(() -> ApiException.notFound("no collector with id '" + RequestParameters.abbreviate(text) + "'"));
    }
}
