package io.pganalytics.server.alerting.context;

import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.pganalytics.server.audit.AuditLog;
import io.pganalytics.server.http.Access;
import io.pganalytics.server.http.ApiRules;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.JsonBodies;

/** {@code GET|PUT /instances/{id}/labels}: viewers read an instance's labels, operators replace them (audited). */
final class LabelRoutes implements ApiService {
    private final LabelStore labels;
    private final JsonBodies bodies;
    private final AuditLog audit;

    LabelRoutes(LabelStore labels, JsonBodies bodies, AuditLog audit) {
        this.labels = labels;
        this.bodies = bodies;
        this.audit = audit;
    }

    @Override
    public void register(ApiRules rules) {
        rules.get("/instances/{id}/labels", Access.VIEWER, (request, response) -> bodies.ok(response, labels.labels(ContextRequests.id(request, "id"))))
                .put("/instances/{id}/labels", Access.OPERATOR, this::replace);
    }

    private void replace(ServerRequest request, ServerResponse response) {
        long id = ContextRequests.id(request, "id");
        ContextBodies.LabelsRequest body = bodies.read(request, ContextBodies.LabelsRequest.class);
        bodies.ok(response, labels.replace(id, body.labels(), ContextRequests.actor(request), audit));
    }
}
