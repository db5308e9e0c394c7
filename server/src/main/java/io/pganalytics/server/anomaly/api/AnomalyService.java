package io.pganalytics.server.anomaly.api;

import io.pganalytics.common.anomaly.AnomalyBand;
import io.pganalytics.common.anomaly.AnomalyPage;
import io.pganalytics.common.anomaly.AnomalyView;
import io.pganalytics.common.anomaly.DetectionSeriesInfo;
import io.pganalytics.server.anomaly.AnomalyEvents;
import io.pganalytics.server.audit.AuditEvent;
import io.pganalytics.server.audit.AuditLog;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.RequestParameters;

import com.fasterxml.jackson.databind.ObjectMapper;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;

/**
 * What the anomaly routes do, without HTTP: reads of anomalies and bands, and feedback (checked, stored, audited and
 * told to the live streams). Every failure is an {@link ApiException} that changes nothing.
 */
final class AnomalyService {
    static final Duration MAX_BAND_RANGE = Duration.ofDays(7);
    static final int MAX_COMMENT = 1000;
    /** How long one read may take before it is a 503. */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    private final AnomalyRepository repository;
    private final AnomalyEvents events;
    private final Clock clock;

    AnomalyService(DataSource dataSource, ObjectMapper mapper, Function<String, DetectionSeriesInfo> describe, AnomalyEvents events,
                   Clock clock) {
        this.repository = new AnomalyRepository(dataSource, mapper, describe, READ_TIMEOUT);
        this.events = events;
        this.clock = clock;
    }

    /** The fleet's page (an unknown {@code instance} filter simply matches nothing). */
    AnomalyPage page(AnomalyFilter filter) {
        return repository.page(filter);
    }

    /** One instance's page; 404 for an unknown instance. */
    AnomalyPage instancePage(long instanceId, AnomalyFilter filter) {
        requireInstance(instanceId);
        return repository.page(filter);
    }

    AnomalyView find(long id) {
        return repository.find(id).orElseThrow(() -> ApiException.notFound("no anomaly " + id));
    }

    /** The band of a series over [from, to), at most {@link #MAX_BAND_RANGE}. */
    AnomalyBand band(long instanceId, String series, Instant from, Instant to) {
        if (!from.isBefore(to)) {
            throw ApiException.invalid("from", "must be before to (" + to + "), was " + from);
        }
        if (Duration.between(from, to).compareTo(MAX_BAND_RANGE) > 0) {
            throw ApiException.invalid("from", "the range may span at most 7 days, was " + Duration.between(from, to).toHours() + " hours");
        }
        requireInstance(instanceId);
        return repository.band(instanceId, series, from, to);
    }

    /** Stores an operator's verdict ({@code expected} or {@code real}) with an optional comment, audited, and tells the streams. */
    AnomalyView feedback(long id, String verdictText, String commentText, String userId, AuditEvent.Actor actor, AuditLog audit) {
        String verdict = verdictText == null ? "" : verdictText.strip();
        if (!verdict.equals(AnomalyView.EXPECTED) && !verdict.equals(AnomalyView.REAL)) {
            throw ApiException.invalid("verdict", "must be expected (this was expected) or real (this was a real problem), was '"
                    + RequestParameters.abbreviate(verdictText) + "'");
        }
        String comment = commentText == null || commentText.isBlank() ? null : commentText.strip();
        if (comment != null && comment.length() > MAX_COMMENT) {
            throw ApiException.invalid("comment", "must be at most " + MAX_COMMENT + " characters, was " + comment.length());
        }
        AnomalyView view = repository.feedback(id, verdict, comment, userId, clock.instant(), audit, actor)
                .orElseThrow(() -> ApiException.notFound("no anomaly " + id));
        events.changed(view);
        return view;
    }

    private void requireInstance(long instanceId) {
        if (repository.instanceName(instanceId).isEmpty()) {
            throw ApiException.notFound("no monitored instance with id " + instanceId);
        }
    }
}
