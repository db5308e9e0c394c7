package io.pganalytics.server.alerting.context;

import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.pganalytics.common.alerting.MaintenanceWindow;
import io.pganalytics.server.alerting.Suppressions;
import io.pganalytics.server.audit.AuditLog;
import io.pganalytics.server.http.Access;
import io.pganalytics.server.http.ApiRules;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.JsonBodies;

/**
 * {@code /maintenance-windows}: viewers list windows and what each suppressed; operators make, change and delete them,
 * each change audited.
 */
final class MaintenanceWindowRoutes implements ApiService {
    private final MaintenanceWindowStore windows;
    private final SuppressionLog log;
    private final JsonBodies bodies;
    private final AuditLog audit;

    MaintenanceWindowRoutes(MaintenanceWindowStore windows, SuppressionLog log, JsonBodies bodies, AuditLog audit) {
        this.windows = windows;
        this.log = log;
        this.bodies = bodies;
        this.audit = audit;
    }

    @Override
    public void register(ApiRules rules) {
        rules.get("/maintenance-windows", Access.VIEWER, (request, response) -> bodies.ok(response, windows.list()))
                .post("/maintenance-windows", Access.OPERATOR, this::create)
                .get("/maintenance-windows/{id}", Access.VIEWER, (request, response) -> bodies.ok(response, windows.find(ContextRequests.id(request, "id"))))
                .put("/maintenance-windows/{id}", Access.OPERATOR, this::update)
                .delete("/maintenance-windows/{id}", Access.OPERATOR, this::delete)
                .get("/maintenance-windows/{id}/suppressed", Access.VIEWER, this::suppressed);
    }

    private void create(ServerRequest request, ServerResponse response) {
        MaintenanceWindow body = bodies.read(request, ContextBodies.WindowRequest.class).window(false);
        bodies.created(response, windows.create(body, ContextRequests.author(request), ContextRequests.actor(request), audit));
    }

    private void update(ServerRequest request, ServerResponse response) {
        long id = ContextRequests.id(request, "id");
        MaintenanceWindow body = bodies.read(request, ContextBodies.WindowRequest.class).window(true);
        bodies.ok(response, windows.update(id, body, ContextRequests.actor(request), audit));
    }

    private void delete(ServerRequest request, ServerResponse response) {
        windows.delete(ContextRequests.id(request, "id"), ContextRequests.actor(request), audit);
        response.status(Status.NO_CONTENT_204).send();
    }

    private void suppressed(ServerRequest request, ServerResponse response) {
        long id = ContextRequests.id(request, "id");
        windows.find(id);
        bodies.ok(response, log.list(Suppressions.Suppression.MAINTENANCE, id, ContextRequests.limit(request)));
    }
}
