package io.pganalytics.server.anomaly.api;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.pganalytics.common.anomaly.AnomalyExclusion;
import io.pganalytics.common.anomaly.AnomalySettings;
import io.pganalytics.common.anomaly.AnomalyView;
import io.pganalytics.common.anomaly.DetectionSeriesInfo;
import io.pganalytics.common.anomaly.FeedbackRequest;
import io.pganalytics.server.anomaly.AnomalyEvents;
import io.pganalytics.server.audit.AuditEvent;
import io.pganalytics.server.audit.AuditLog;
import io.pganalytics.server.http.Access;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.ApiRules;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.Caller;
import io.pganalytics.server.http.JsonBodies;
import io.pganalytics.server.http.RequestParameters;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@code /anomalies...}, {@code /instances/{id}/anomalies...}, {@code /instances/{id}/anomaly-settings} and
 * {@code /instances/{id}/anomaly-exclusions}: viewers read anomalies, bands and settings; operators (and admins) give
 * feedback and change the sensitivity and exclusions, each change audited. The live streams are the live feature's
 * ({@code /instances/{id}/live}, {@code /anomalies/live}).
 */
public final class AnomalyRoutes implements ApiService {
    static final Duration MAX_BAND_RANGE = Duration.ofDays(7);
    static final Duration DEFAULT_BAND_RANGE = Duration.ofHours(1);
    static final int MAX_COMMENT = 1000;
    /** How long one read may take before it is a 503. */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    private final AnomalyRepository repository;
    private final AnomalySettingsStore settings;
    private final Supplier<List<DetectionSeriesInfo>> catalogue;
    private final AnomalyEvents events;
    private final JsonBodies bodies;
    private final AuditLog audit;
    private final Clock clock;

    /**
     * @param describe  a series' label, unit and chart ({@code PointSource::describe})
     * @param catalogue the series the detectors score ({@code PointSource::catalogue})
     * @param events    where a changed anomaly (feedback) is told to the live streams
     */
    public AnomalyRoutes(DataSource dataSource, AnomalySettingsStore settings, Function<String, DetectionSeriesInfo> describe,
                         Supplier<List<DetectionSeriesInfo>> catalogue, AnomalyEvents events, JsonBodies bodies, AuditLog audit,
                         Clock clock) {
        this.repository = new AnomalyRepository(dataSource, bodies.mapper(), describe, READ_TIMEOUT);
        this.settings = settings;
        this.catalogue = catalogue;
        this.events = events;
        this.bodies = bodies;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * The body of a sensitivity change: an {@link AnomalySettings} of which only {@code sensitivity} is read, every field
     * optional, so that a client may send {@code {"sensitivity":"high"}} or the settings it read back with one change.
     */
    record SettingsRequest(Long instanceId, String sensitivity, List<AnomalyExclusion> exclusions, Boolean learning,
                           Integer seriesLearning, Integer seriesTotal, Instant learningUntil, String updatedBy, Instant updatedAt) {
    }

    /** The body of a new exclusion: an {@link AnomalyExclusion} whose id, author and time are the server's. */
    record ExclusionRequest(Long id, String series, Instant startsAt, Instant endsAt, String reason, String createdBy,
                            Instant createdAt) {
    }

    @Override
    public void register(ApiRules rules) {
        // the fixed paths before /anomalies/{id} (/anomalies/live is the live feature's, registered before these)
        rules.get("/anomalies/series", Access.VIEWER, (request, response) -> bodies.ok(response, catalogue.get()))
                .get("/anomalies", Access.VIEWER, (request, response) -> bodies.ok(response, repository.page(AnomalyFilter.of(request, null))))
                .get("/anomalies/{id}", Access.VIEWER, this::anomaly)
                .post("/anomalies/{id}/feedback", Access.OPERATOR, this::feedback)
                .get("/instances/{id}/anomalies", Access.VIEWER, this::instanceAnomalies)
                .get("/instances/{id}/anomalies/band", Access.VIEWER, this::band)
                .get("/instances/{id}/anomaly-settings", Access.VIEWER, (request, response) -> bodies.ok(response, settings.view(instanceId(request))))
                .put("/instances/{id}/anomaly-settings", Access.OPERATOR, this::updateSettings)
                .post("/instances/{id}/anomaly-exclusions", Access.OPERATOR, this::addExclusion)
                .delete("/instances/{id}/anomaly-exclusions/{exclusionId}", Access.OPERATOR, this::removeExclusion);
    }

    private void anomaly(ServerRequest request, ServerResponse response) {
        long id = anomalyId(request);
        bodies.ok(response, repository.find(id).orElseThrow(() -> ApiException.notFound("no anomaly " + id)));
    }

    private void instanceAnomalies(ServerRequest request, ServerResponse response) {
        long instanceId = knownInstance(request);
        bodies.ok(response, repository.page(AnomalyFilter.of(request, instanceId)));
    }

    private void band(ServerRequest request, ServerResponse response) {
        String series = RequestParameters.text(request, "series").map(AnomalyFilter::series)
                .orElseThrow(() -> ApiException.invalid("series", "is required; see GET /api/v1/anomalies/series"));
        Instant to = RequestParameters.text(request, "to").map(text -> AnomalyFilter.instant("to", text)).orElseGet(clock::instant);
        Instant from = RequestParameters.text(request, "from").map(text -> AnomalyFilter.instant("from", text))
                .orElse(to.minus(DEFAULT_BAND_RANGE));
        if (!from.isBefore(to)) {
            throw ApiException.invalid("from", "must be before to (" + to + "), was " + from);
        }
        if (Duration.between(from, to).compareTo(MAX_BAND_RANGE) > 0) {
            throw ApiException.invalid("from", "the range may span at most 7 days, was " + Duration.between(from, to).toHours() + " hours");
        }
        long instanceId = knownInstance(request);
        bodies.ok(response, repository.band(instanceId, series, from, to));
    }

    private void feedback(ServerRequest request, ServerResponse response) {
        long id = anomalyId(request);
        FeedbackRequest body = bodies.read(request, FeedbackRequest.class);
        String verdict = body.verdict() == null ? "" : body.verdict().strip();
        if (!verdict.equals(AnomalyView.EXPECTED) && !verdict.equals(AnomalyView.REAL)) {
            throw ApiException.invalid("verdict", "must be expected (this was expected) or real (this was a real problem), was '"
                    + RequestParameters.abbreviate(body.verdict()) + "'");
        }
        String comment = body.comment() == null || body.comment().isBlank() ? null : body.comment().strip();
        if (comment != null && comment.length() > MAX_COMMENT) {
            throw ApiException.invalid("comment", "must be at most " + MAX_COMMENT + " characters, was " + comment.length());
        }
        Caller caller = ApiRules.caller(request);
        AnomalyView view = repository.feedback(id, verdict, comment, caller.id(), clock.instant(), audit, actor(request, caller))
                .orElseThrow(() -> ApiException.notFound("no anomaly " + id));
        events.changed(view);
        bodies.ok(response, view);
    }

    private void updateSettings(ServerRequest request, ServerResponse response) {
        long instanceId = instanceId(request);
        SettingsRequest body = bodies.read(request, SettingsRequest.class);
        Caller caller = ApiRules.caller(request);
        bodies.ok(response, settings.updateSensitivity(instanceId, body.sensitivity(), caller.id(), actor(request, caller), audit));
    }

    private void addExclusion(ServerRequest request, ServerResponse response) {
        long instanceId = instanceId(request);
        ExclusionRequest body = bodies.read(request, ExclusionRequest.class);
        Caller caller = ApiRules.caller(request);
        bodies.created(response, settings.addExclusion(instanceId, new AnomalyExclusion(0, body.series(), body.startsAt(), body.endsAt(),
                body.reason(), null, null), caller.id(), actor(request, caller), audit));
    }

    private void removeExclusion(ServerRequest request, ServerResponse response) {
        long instanceId = instanceId(request);
        String text = request.path().pathParameters().get("exclusionId");
        long exclusionId = AnomalyFilter.positive("exclusionId", text);
        Caller caller = ApiRules.caller(request);
        if (!settings.removeExclusion(instanceId, exclusionId, actor(request, caller), audit)) {
            throw ApiException.notFound("instance " + instanceId + " has no exclusion " + exclusionId);
        }
        response.status(Status.NO_CONTENT_204).send();
    }

    private long knownInstance(ServerRequest request) {
        long instanceId = instanceId(request);
        if (repository.instanceName(instanceId).isEmpty()) {
            throw ApiException.notFound("no monitored instance with id " + instanceId);
        }
        return instanceId;
    }

    private static long instanceId(ServerRequest request) {
        return AnomalyFilter.positive("id", request.path().pathParameters().get("id"));
    }

    private static long anomalyId(ServerRequest request) {
        return AnomalyFilter.positive("id", request.path().pathParameters().get("id"));
    }

    private static AuditEvent.Actor actor(ServerRequest request, Caller caller) {
        return AuditEvent.Actor.of(caller, RequestParameters.clientAddress(request), request.headers().first(HeaderNames.USER_AGENT).orElse(null));
    }
}
