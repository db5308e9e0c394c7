package io.pganalytics.server.maintenance;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.pganalytics.common.settings.RetentionUpdate;
import io.pganalytics.server.audit.AuditEvent;
import io.pganalytics.server.audit.AuditLog;
import io.pganalytics.server.audit.Confirmations;
import io.pganalytics.server.http.Access;
import io.pganalytics.server.http.ApiRules;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.Caller;
import io.pganalytics.server.http.JsonBodies;
import io.pganalytics.server.http.RequestParameters;

/**
 * {@code /admin/settings/retention}: admins read the effective retention and where each value comes from, and change
 * it at runtime. A change that shortens any retention is confirmed first ({@link Confirmations}).
 */
final class RetentionRoutes implements ApiService {
    private final RuntimeRetention retention;
    private final JsonBodies bodies;
    private final Confirmations confirmations;
    private final AuditLog audit;

    RetentionRoutes(RuntimeRetention retention, JsonBodies bodies, Confirmations confirmations, AuditLog audit) {
        this.retention = retention;
        this.bodies = bodies;
        this.confirmations = confirmations;
        this.audit = audit;
    }

    @Override
    public void register(ApiRules rules) {
        rules.get("/admin/settings/retention", Access.ADMIN, this::read)
                .put("/admin/settings/retention", Access.ADMIN, this::update);
    }

    private void read(ServerRequest request, ServerResponse response) {
        bodies.ok(response, retention.view());
    }

    private void update(ServerRequest request, ServerResponse response) {
        Caller caller = ApiRules.caller(request);
        RetentionUpdate update = bodies.read(request, RetentionUpdate.class);
        AuditEvent.Actor actor = AuditEvent.Actor.of(caller, RequestParameters.clientAddress(request),
                request.headers().first(HeaderNames.USER_AGENT).orElse(null));
        bodies.ok(response, retention.update(update, caller, actor, audit,
                summary -> confirmations.require(request, caller, update, RuntimeRetention.ACTION, summary)));
    }
}
