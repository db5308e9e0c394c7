package io.pganalytics.server.live;

import io.helidon.http.HeaderNames;
import io.helidon.http.sse.SseEvent;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.sse.SseSink;
import io.pganalytics.server.http.Access;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.ApiRules;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.Caller;
import io.pganalytics.server.http.SessionRevocations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Optional;
import java.util.function.LongPredicate;

/**
 * {@code GET /instances/{id}/live}, {@code GET /anomalies/live} and {@code GET /alerts/live}: one server-sent-event stream
 * per request, held by the request's (virtual) thread until the client leaves or the node shuts down. Events are
 * {@code update}s (an instance's figures), {@code anomaly}s (an anomaly opened, grew, changed or closed) and
 * {@code alert}s (an alert or incident changed) with an {@code id:}; the anomaly fleet stream carries the anomalies of
 * every instance and no updates, the alert fleet stream the alerts of every instance and nothing else. After
 * {@code live.heartbeat} without one, a {@code :ping} comment and an empty {@code ping} event (no id, so it does not
 * move the client's Last-Event-ID).
 */
final class LiveRoutes implements ApiService {
    private static final Logger LOG = LoggerFactory.getLogger(LiveRoutes.class);
    private static final io.helidon.http.HeaderName LAST_EVENT_ID = HeaderNames.create("Last-Event-ID");

    private final LiveHub hub;
    private final LiveConfig config;
    private final LongPredicate instanceExists;
    private final SessionRevocations revocations;
    private final Clock clock;

    LiveRoutes(LiveHub hub, LiveConfig config, LongPredicate instanceExists, SessionRevocations revocations, Clock clock) {
        this.hub = hub;
        this.config = config;
        this.instanceExists = instanceExists;
        this.revocations = revocations;
        this.clock = clock;
    }

    @Override
    public void register(ApiRules rules) {
        rules.get("/instances/{id}/live", Access.VIEWER, this::live)
                .get("/anomalies/live", Access.VIEWER, this::fleet)
                .get("/alerts/live", Access.VIEWER, this::alerts);
    }

    /** The fleet's anomalies as they change; with Last-Event-ID, first the ones this node kept after it. */
    private void fleet(ServerRequest request, ServerResponse response) {
        Optional<Long> lastEventId = request.headers().first(LAST_EVENT_ID).flatMap(LiveRoutes::eventId);
        Caller caller = ApiRules.caller(request);
        Subscriber subscriber = hub.subscribeFleet(caller.id(), caller.sessionId());
        try {
            List<LiveEvent> initial = lastEventId.map(last -> hub.anomaliesAfter(LiveHub.FLEET, last)).orElse(List.of());
            serve(request, response, subscriber, initial, lastEventId, caller);
        } finally {
            hub.unsubscribe(subscriber);
        }
    }

    /** The fleet's alerts and incidents as they change; with Last-Event-ID, first the ones this node kept after it. */
    private void alerts(ServerRequest request, ServerResponse response) {
        Optional<Long> lastEventId = request.headers().first(LAST_EVENT_ID).flatMap(LiveRoutes::eventId);
        Caller caller = ApiRules.caller(request);
        Subscriber subscriber = hub.subscribe(LiveHub.ALERT_FLEET, caller.id(), caller.sessionId());
        try {
            List<LiveEvent> initial = lastEventId.map(last -> hub.alertsAfter(LiveHub.ALERT_FLEET, last)).orElse(List.of());
            serve(request, response, subscriber, initial, lastEventId, caller);
        } finally {
            hub.unsubscribe(subscriber);
        }
    }

    private void live(ServerRequest request, ServerResponse response) {
        long id = id(request.path().pathParameters().get("id"));
        if (!instanceExists.test(id)) {
            throw ApiException.notFound("no monitored instance with id " + id);
        }
        Optional<Long> lastEventId = request.headers().first(LAST_EVENT_ID).flatMap(LiveRoutes::eventId);
        Caller caller = ApiRules.caller(request);
        Subscriber subscriber = hub.subscribe(id, caller.id(), caller.sessionId());
        try {
            List<LiveEvent> initial = new ArrayList<>(hub.initial(id, lastEventId));
            lastEventId.ifPresent(last -> initial.addAll(hub.anomaliesAfter(id, last)));
            lastEventId.ifPresent(last -> initial.addAll(hub.alertsAfter(id, last)));
            initial.sort(Comparator.comparingLong(LiveEvent::id));
            serve(request, response, subscriber, initial, lastEventId, caller);
        } finally {
            hub.unsubscribe(subscriber);
        }
    }

    private void serve(ServerRequest request, ServerResponse response, Subscriber subscriber, List<LiveEvent> initial,
                       Optional<Long> lastEventId, Caller caller) {
        long id = subscriber.instanceId();
        try {
            long lastSent = initial.stream().filter(event -> !event.isNotice()).mapToLong(LiveEvent::id).max()
                    .orElse(lastEventId.orElse(Long.MIN_VALUE));
            Set<Long> replayed = new HashSet<>();
            initial.forEach(event -> replayed.add(event.id()));
            response.header("X-Accel-Buffering", "no");
            SseSink sink = response.sink(SseSink.TYPE);
            ApiRules.streamOpened(request, 200); // audited once, at the stream's opening
            try {
                for (LiveEvent event : initial) {
                    emit(sink, event);
                }
                stream(sink, subscriber, lastSent, replayed, caller.credentialExpiry().orElse(Instant.MAX));
            } finally {
                closeQuietly(sink, id);
            }
        } catch (UncheckedIOException e) {
            LOG.debug("live: stream {}: the client went away: {}", id, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (subscriber.dropped() > 0) {
                LOG.info("live: stream {}: a slow client missed {} event(s)", id, subscriber.dropped());
            }
        }
    }

    /**
     * Sends events until the client leaves, the node shuts down, the session is ended (the hub ends the subscriber at
     * once; each heartbeat also asks the cluster, in case a notice was missed) or the access token expires. An update
     * older than the last one sent is stale and skipped; an anomaly event is sent unless it was replayed already (ids
     * of different nodes need not arrive in order, and no anomaly may be lost for it).
     */
    private void stream(SseSink sink, Subscriber subscriber, long lastSent, Set<Long> replayed, Instant expires)
            throws InterruptedException {
        long sent = lastSent;
        while (true) {
            Duration untilExpiry = Duration.between(clock.instant(), expires);
            if (untilExpiry.isNegative() || untilExpiry.isZero()) {
                end(sink, "the access token has expired: refresh it and reconnect");
                return;
            }
            LiveEvent event = subscriber.next(untilExpiry.compareTo(config.heartbeat()) < 0 ? untilExpiry : config.heartbeat());
            if (event == null) {
                if (clock.instant().isBefore(expires) && revocations.isRevoked(subscriber.sessionId())) {
                    end(sink, "the sign-in session has ended: sign in again");
                    return;
                }
                // Helidon 4.3.0 cannot write an event without data, so the heartbeat is a "ping" event with empty data
                // behind a comment line: EventSource clients ignore it unless they listen for "ping".
                sink.emit(SseEvent.builder().comment("ping").name("ping").data("").build());
            } else if (event == LiveEvent.END) {
                end(sink, subscriber.endReason());
                return;
            } else if (event.isNotice()) {
                if (!replayed.contains(event.id())) {
                    emit(sink, event);
                }
            } else if (event.id() > sent) {
                emit(sink, event);
                sent = event.id();
            }
        }
    }

    /** A last "end" event saying why the stream stops, so that a client knows not to reconnect with the same token. */
    private static void end(SseSink sink, String reason) {
        sink.emit(SseEvent.builder().name("end").data(reason).build());
    }

    private void emit(SseSink sink, LiveEvent event) {
        sink.emit(SseEvent.builder().id(Long.toString(event.id())).name(event.name()).data(event.json()).build());
        hub.sent();
    }

    private static void closeQuietly(SseSink sink, long id) {
        try {
            sink.close();
        } catch (UncheckedIOException e) {
            LOG.debug("live: instance {}: closing a broken stream: {}", id, e.getMessage());
        }
    }

    private static long id(String text) {
        try {
            long id = Long.parseLong(text);
            if (id >= 1) {
                return id;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiException.invalid("id", "must be a positive instance id, was '" + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "'");
    }

    private static Optional<Long> eventId(String text) {
        try {
            return Optional.of(Long.parseLong(text.trim()));
        } catch (NumberFormatException e) {
            return Optional.empty(); // not one of ours: start afresh with the latest update
        }
    }
}
