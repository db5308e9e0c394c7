package io.pganalytics.console.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.pganalytics.common.alerting.AlertEvent;
import io.pganalytics.common.anomaly.AnomalyView;
import io.pganalytics.common.query.LiveUpdate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * One stream of server-sent events on a virtual thread (an instance's {@code GET /instances/{id}/live}, or the fleet's
 * anomalies, {@code GET /anomalies/live}, or alerts, {@code GET /alerts/live}): parses {@code id:}, {@code event:} and
 * {@code data:} lines, hands {@code update}, {@code anomaly} and {@code alert} events to the listener, and reconnects with
 * exponential backoff (1 s doubling to 30 s) and {@code Last-Event-ID} after any failure, until closed or the session
 * ends.
 * <p>
 * The server sends a heartbeat after {@code live.heartbeat} (15 s by default) without an event. A watchdog closes a
 * connection that has carried nothing (no event, no heartbeat) for {@link #STALE_AFTER}, three heartbeat periods,
 * reports it {@link LiveListener.State#STALE} and reconnects with backoff: a dead path (a sleeping laptop, a dropped
 * NAT entry, a proxy that stopped forwarding) never keeps showing "Live".
 */
final class LiveStream implements LiveSubscription {
    private static final Logger LOG = LoggerFactory.getLogger(LiveStream.class);
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** The server's default {@code live.heartbeat} (server/.../live/LiveConfig). */
    static final Duration SERVER_HEARTBEAT = Duration.ofSeconds(15);
    /** Silence that marks a connection dead: three heartbeat periods. */
    static final Duration STALE_AFTER = SERVER_HEARTBEAT.multipliedBy(3);

    /** How a connection ended. */
    private enum Ending { NEVER_CONNECTED, ENDED, STALE }

    private final HttpConsoleApi api;
    private final String path;
    /** What the stream is, for logs and thread names ({@code instance 42}). */
    private final String name;
    private final LiveListener listener;
    private final Duration staleAfter;
    private final AtomicReference<Stream<String>> lines = new AtomicReference<>();
    private volatile boolean closed;
    private volatile boolean stale;
    private volatile long lastHeardNanos;
    private volatile Thread thread;
    private String lastEventId;

    private LiveStream(HttpConsoleApi api, String path, String name, LiveListener listener, Duration staleAfter) {
        this.api = api;
        this.path = path;
        this.name = name;
        this.listener = listener;
        this.staleAfter = staleAfter;
    }

    static LiveStream open(HttpConsoleApi api, long instanceId, LiveListener listener) {
        return open(api, instanceId, listener, STALE_AFTER);
    }

    /** @param staleAfter the silence after which a connection counts as dead (tests use a server with a short heartbeat) */
    static LiveStream open(HttpConsoleApi api, long instanceId, LiveListener listener, Duration staleAfter) {
        return open(api, "/instances/" + instanceId + "/live", "instance " + instanceId, listener, staleAfter);
    }

    /** A stream at {@code path}, named {@code name} in logs. */
    static LiveStream open(HttpConsoleApi api, String path, String name, LiveListener listener, Duration staleAfter) {
        LiveStream stream = new LiveStream(api, path, name, listener, staleAfter);
        stream.thread = Thread.ofVirtual().name("pga-live-" + name.replace(' ', '-')).start(stream::run);
        return stream;
    }

    @Override
    public void close() {
        closed = true;
        Stream<String> open = lines.getAndSet(null);
        if (open != null) {
            open.close();
        }
        Thread running = thread;
        if (running != null) {
            running.interrupt();
        }
    }

    private void run() {
        Duration backoff = FIRST_BACKOFF;
        listener.state(LiveListener.State.CONNECTING, "Connecting to the live stream.");
        while (!closed) {
            try {
                Ending ending = stream();
                if (closed) {
                    break;
                }
                if (ending == Ending.STALE) {
                    LOG.info("{}: no heartbeat on the live stream for {} s; reconnecting in {} s", name,
                            staleAfter.toSeconds(), backoff.toSeconds());
                    listener.state(LiveListener.State.STALE, "No heartbeat from the server for " + seconds(staleAfter)
                            + "; next try in " + seconds(backoff) + ".");
                } else {
                    backoff = FIRST_BACKOFF;
                    LOG.debug("{}: the live stream ended; reconnecting", name);
                    listener.state(LiveListener.State.RECONNECTING, "The live stream ended: reconnecting.");
                }
            } catch (ApiException e) {
                if (e.kind() == ApiException.Kind.SESSION_EXPIRED) {
                    listener.state(LiveListener.State.SESSION_EXPIRED, e.getMessage());
                    return;
                }
                if (closed) {
                    break;
                }
                LOG.info("{}: live stream: {}; retrying in {} s", name, e.getMessage(), backoff.toSeconds());
                listener.state(LiveListener.State.RECONNECTING, e.getMessage() + " Retrying in " + backoff.toSeconds() + " s.");
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                break;
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
        listener.state(LiveListener.State.CLOSED, "");
    }

    /** Reads the stream until it ends, goes stale or is closed. */
    private Ending stream() {
        String token = api.accessToken();
        HttpResponse<Stream<String>> response = connect(token);
        if (response.statusCode() == 401) {
            response.body().close();
            response = connect(api.refreshAfterRejection(token));
        }
        if (response.statusCode() != 200) {
            String body = String.join("\n", response.body().limit(50).toList());
            response.body().close();
            throw api.failure(response.statusCode(), body);
        }
        lines.set(response.body());
        if (closed) {
            response.body().close();
            return Ending.NEVER_CONNECTED;
        }
        stale = false;
        lastHeardNanos = System.nanoTime();
        Stream<String> body = response.body();
        Thread watchdog = Thread.ofVirtual().name("pga-live-watch-" + name.replace(' ', '-')).start(() -> watch(body));
        listener.state(LiveListener.State.LIVE, "Live.");
        String event = "message";
        StringBuilder data = new StringBuilder();
        try {
            for (Iterator<String> it = body.iterator(); it.hasNext() && !closed; ) {
                String line = it.next();
                lastHeardNanos = System.nanoTime();
                if (line.isEmpty()) {
                    dispatch(event, data);
                    event = "message";
                    data.setLength(0);
                } else if (line.startsWith(":")) {
                    continue; // a heartbeat comment
                } else if (line.startsWith("data:")) {
                    data.append(data.isEmpty() ? "" : "\n").append(field(line, 5));
                } else if (line.startsWith("event:")) {
                    event = field(line, 6);
                } else if (line.startsWith("id:")) {
                    lastEventId = field(line, 3);
                }
            }
        } catch (RuntimeException e) {
            if (!closed && !stale) {
                throw api.unreachable(e.getCause() instanceof IOException io ? io : new IOException(e));
            }
        } finally {
            watchdog.interrupt();
            lines.set(null);
            body.close();
        }
        return stale ? Ending.STALE : Ending.ENDED;
    }

    /** Closes {@code body} once nothing has arrived on it for {@link #staleAfter}; ends when the connection does. */
    private void watch(Stream<String> body) {
        try {
            while (!closed) {
                long silentNanos = System.nanoTime() - lastHeardNanos;
                long leftNanos = staleAfter.toNanos() - silentNanos;
                if (leftNanos <= 0) {
                    stale = true;
                    body.close(); // the reader's next line fails at once
                    return;
                }
                Thread.sleep(Duration.ofNanos(leftNanos));
            }
        } catch (InterruptedException e) {
            // the connection ended first
        }
    }

    private static String seconds(Duration duration) {
        return duration.toSeconds() + " s";
    }

    private HttpResponse<Stream<String>> connect(String token) {
        // The timeout runs until the response's headers arrive, which the server sends at once; the body's silence is
        // the watchdog's business.
        HttpRequest.Builder request = api.request(path, token)
                .timeout(staleAfter).header("Accept", "text/event-stream").GET();
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        try {
            return api.http().send(request.build(), HttpResponse.BodyHandlers.ofLines());
        } catch (IOException e) {
            throw api.unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw api.unreachable(e);
        }
    }

    private void dispatch(String event, StringBuilder data) {
        if (data.isEmpty()) {
            return;
        }
        try {
            if (event.equals("update") || event.equals("message")) {
                listener.update(api.mapper().readValue(data.toString(), LiveUpdate.class));
            } else if (event.equals("anomaly")) {
                listener.anomaly(api.mapper().readValue(data.toString(), AnomalyView.class));
            } else if (event.equals("alert")) {
                listener.alert(api.mapper().readValue(data.toString(), AlertEvent.class));
            }
        } catch (JsonProcessingException e) {
            LOG.warn("{}: an unreadable live {} event, skipped", name, event, e);
        }
    }

    private static String field(String line, int prefix) {
        String value = line.substring(prefix);
        return value.startsWith(" ") ? value.substring(1) : value;
    }
}
