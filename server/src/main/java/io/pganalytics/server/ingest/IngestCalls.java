package io.pganalytics.server.ingest;

import io.pganalytics.common.wire.IngestAck;
import io.pganalytics.server.audit.AuditEvent;
import io.pganalytics.server.audit.AuditLog;
import io.pganalytics.server.audit.AuditText;
import io.pganalytics.server.http.ApiCall;
import io.pganalytics.server.http.CallRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * How ingest calls reach the audit trail: thousands of batches a minute must all be accounted for without one record
 * each. A refused call (any status but 2xx: bad credentials, a batch too large or invalid, 429, 503) is recorded on its
 * own, with the collector (or the anonymous caller), status, error type and reason. Accepted calls are counted per
 * collector, and each collector's counts (batches, duplicates, rows, bytes as sent, first and last arrival) are recorded
 * once per {@code audit.ingest-window}, by a timer and at shutdown: the sum of the windows' batches and the refusals is
 * every call this node answered.
 */
final class IngestCalls implements CallRecorder, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IngestCalls.class);

    private final AuditLog log;
    private final Clock clock;
    private final Duration window;
    private final ConcurrentHashMap<String, Window> open = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;

    /** One collector's accepted batches since its window opened. */
    private static final class Window {
        final AuditEvent.Actor actor;
        final String collectorId;
        final Instant first;
        Instant last;
        long batches;
        long duplicates;
        long rows;
        long bytes;

        Window(AuditEvent.Actor actor, String collectorId, Instant first) {
            this.actor = actor;
            this.collectorId = collectorId;
            this.first = first;
            this.last = first;
        }
    }

    IngestCalls(AuditLog log, Duration window, Clock clock) {
        this.log = log;
        this.clock = clock;
        this.window = window;
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("pga-ingest-audit").factory());
        long period = window.toMillis();
        timer.scheduleAtFixedRate(this::flushSafely, period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    public void record(ApiCall call) {
        if (call.status() >= 200 && call.status() < 300 && call.caller() != null) {
            accepted(call);
        } else {
            refused(call);
        }
    }

    private void accepted(ApiCall call) {
        IngestAck ack = call.context().get(IngestAck.class, IngestAck.class).orElse(null);
        long rows = ack == null ? 0 : ack.acceptedRows().values().stream().mapToLong(Integer::longValue).sum();
        boolean duplicate = ack != null && ack.duplicate();
        long bytes = call.context().get(SentBytes.class, SentBytes.class).map(SentBytes::bytes).orElse(0L);
        Instant now = clock.instant();
        String id = call.caller().id();
        open.compute(id, (key, w) -> {
            Window counts = w != null ? w : new Window(AuditEvent.Actor.of(call.caller(), call.client().address(), call.client().userAgent()),
                    id, now);
            counts.batches++;
            counts.duplicates += duplicate ? 1 : 0;
            counts.rows += duplicate ? 0 : rows;
            counts.bytes += bytes;
            counts.last = now;
            return counts;
        });
    }

    private void refused(ApiCall call) {
        AuditEvent event = AuditEvent.ingest("ingest.refused")
                .actor(call.caller() == null ? AuditEvent.Actor.anonymous(null, call.client().address(), call.client().userAgent())
                        : AuditEvent.Actor.of(call.caller(), call.client().address(), call.client().userAgent()))
                .outcome(call.status() == 401 || call.status() == 403 ? AuditEvent.Outcome.DENIED : AuditEvent.Outcome.FAILURE)
                .status(call.status(), call.errorType())
                .durationMicros(call.durationMicros());
        if (call.caller() != null) {
            event.resource("collector", call.caller().id());
        }
        if (call.errorMessage() != null) {
            event.detail("reason", AuditText.clean(call.errorMessage(), AuditText.ACTION));
        }
        call.context().get(SentBytes.class, SentBytes.class).ifPresent(sent -> event.detail("bytes", sent.bytes()));
        log.submit(event);
    }

    /** Records every open window now (the timer's tick, shutdown, or a test that wants the counts). */
    void flush() {
        List<Window> closed = new ArrayList<>();
        for (String id : List.copyOf(open.keySet())) {
            Window w = open.remove(id);
            if (w != null) {
                closed.add(w);
            }
        }
        for (Window w : closed) {
            log.submit(AuditEvent.ingest("ingest.accepted")
                    .actor(w.actor)
                    .resource("collector", w.collectorId)
                    .detail("batches", w.batches)
                    .detail("duplicates", w.duplicates)
                    .detail("rows", w.rows)
                    .detail("bytes", w.bytes)
                    .detail("first", w.first.toString())
                    .detail("last", w.last.toString())
                    .detail("window", window.toString()));
        }
    }

    private void flushSafely() {
        try {
            flush();
        } catch (RuntimeException e) {
            // the timer must keep ticking: what failed stays counted in the windows it could not record
            LOG.warn("audit: recording the ingest counts failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
    }

    /** The bytes of a batch as sent (its Content-Length), left in the request's context by the route. */
    record SentBytes(long bytes) {
    }
}
