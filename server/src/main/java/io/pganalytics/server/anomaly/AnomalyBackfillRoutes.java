package io.pganalytics.server.anomaly;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.pganalytics.server.audit.AuditEvent;
import io.pganalytics.server.audit.AuditLog;
import io.pganalytics.server.http.Access;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.ApiRules;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.Caller;
import io.pganalytics.server.http.JsonBodies;
import io.pganalytics.server.http.RequestParameters;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code POST /anomalies/backfill} (admins): scores the history of one instance, or of all, with fresh detectors. The
 * request is published to every node and the owner of each instance runs it between its scoring rounds, so it never
 * races live scoring; the answer (202) says what was asked, the anomalies appear as they are found. Audited.
 */
final class AnomalyBackfillRoutes implements ApiService {
    static final String ACTION = "anomalies.backfill";

    /**
     * @param instanceId the instance, or null with {@code all}
     * @param all        every instance
     * @param from       the start of the history scored (exclusive)
     * @param to         its end (inclusive); now when absent
     */
    public record BackfillRequest(Long instanceId, Boolean all, Instant from, Instant to) {
    }

    /** What was asked of the owners. */
    public record BackfillAccepted(Long instanceId, boolean all, Instant from, Instant to) {
    }

    private final AnomalyFeature feature;
    private final JsonBodies bodies;
    private final AuditLog audit;
    private final Clock clock;

    AnomalyBackfillRoutes(AnomalyFeature feature, JsonBodies bodies, AuditLog audit, Clock clock) {
        this.feature = feature;
        this.bodies = bodies;
        this.audit = audit;
        this.clock = clock;
    }

    @Override
    public void register(ApiRules rules) {
        rules.post("/anomalies/backfill", Access.ADMIN, this::backfill);
    }

    private void backfill(ServerRequest request, ServerResponse response) {
        Caller caller = ApiRules.caller(request);
        BackfillRequest body = bodies.read(request, BackfillRequest.class);
        boolean all = Boolean.TRUE.equals(body.all());
        if (all == (body.instanceId() != null)) {
            throw ApiException.invalid("instanceId", "give either an instanceId or \"all\": true");
        }
        if (body.from() == null) {
            throw ApiException.invalid("from", "is required");
        }
        Instant to = body.to() == null ? clock.instant() : body.to();
        if (!body.from().isBefore(to)) {
            throw ApiException.invalid("from", "must be before to (" + to + ")");
        }
        Duration max = feature.config().backfillMax();
        if (Duration.between(body.from(), to).compareTo(max) > 0) {
            throw ApiException.invalid("from", "the history from " + body.from() + " to " + to + " is longer than anomaly.backfill-max (" + max + ")");
        }
        if (!all && !exists(body.instanceId())) {
            throw ApiException.notFound("instance " + body.instanceId() + " is not monitored");
        }
        feature.backfill(body.instanceId(), body.from(), to);
        audit.appendNow(AuditEvent.change(ACTION, "instance", all ? "*" : body.instanceId().toString())
                .actor(AuditEvent.Actor.of(caller, RequestParameters.clientAddress(request),
                        request.headers().first(HeaderNames.USER_AGENT).orElse(null)))
                .detail("from", body.from().toString()).detail("to", to.toString()));
        bodies.send(response, Status.ACCEPTED_202, new BackfillAccepted(body.instanceId(), all, body.from(), to));
    }

    private boolean exists(long instanceId) {
        try {
            return feature.instanceExists(instanceId);
        } catch (SQLException e) {
            throw ApiException.unavailable("the database cannot be read now: retry shortly", Duration.ofSeconds(2));
        }
    }
}
