package io.pganalytics.server.alerting.context;

import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.pganalytics.common.alerting.Silence;
import io.pganalytics.server.alerting.Suppressions;
import io.pganalytics.server.audit.AuditLog;
import io.pganalytics.server.http.Access;
import io.pganalytics.server.http.ApiRules;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.JsonBodies;
import io.pganalytics.server.http.RequestParameters;

/**
 * {@code /silences}: viewers list silences and what each held back; operators make them and expire them
 * ({@code DELETE} = expire now), each change audited.
 */
final class SilenceRoutes implements ApiService {
    private final SilenceStore silences;
    private final SuppressionLog log;
    private final JsonBodies bodies;
    private final AuditLog audit;

    SilenceRoutes(SilenceStore silences, SuppressionLog log, JsonBodies bodies, AuditLog audit) {
        this.silences = silences;
        this.log = log;
        this.bodies = bodies;
        this.audit = audit;
    }

    @Override
    public void register(ApiRules rules) {
        rules.get("/silences", Access.VIEWER, (request, response) -> bodies.ok(response,
                        silences.list(RequestParameters.text(request, "state").orElse(null), ContextRequests.limit(request))))
                .post("/silences", Access.OPERATOR, this::create)
                .get("/silences/{id}", Access.VIEWER, (request, response) -> bodies.ok(response, silences.find(ContextRequests.id(request, "id"))))
                .delete("/silences/{id}", Access.OPERATOR, this::expire)
                .get("/silences/{id}/suppressed", Access.VIEWER, this::suppressed);
    }

    private void create(ServerRequest request, ServerResponse response) {
        Silence body = bodies.read(request, Silence.class);
        bodies.created(response, silences.create(body, ContextRequests.author(request), ContextRequests.actor(request), audit));
    }

    private void expire(ServerRequest request, ServerResponse response) {
        silences.expire(ContextRequests.id(request, "id"), ContextRequests.actor(request), audit);
        response.status(Status.NO_CONTENT_204).send();
    }

    private void suppressed(ServerRequest request, ServerResponse response) {
        long id = ContextRequests.id(request, "id");
        silences.find(id);
        bodies.ok(response, log.list(Suppressions.Suppression.SILENCE, id, ContextRequests.limit(request)));
    }
}
