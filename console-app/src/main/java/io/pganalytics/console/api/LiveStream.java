package io.pganalytics.console.api;

import com.fasterxml.jackson.core.JsonProcessingException;
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
 * One instance's server-sent events ({@code GET /instances/{id}/live}) on a virtual thread: parses {@code id:},
 * {@code event:} and {@code data:} lines, hands {@code update} events to the listener, and reconnects with
 * exponential backoff (1 s doubling to 30 s) and {@code Last-Event-ID} after any failure, until closed or the session
 * ends.
 */
final class LiveStream implements LiveSubscription {
    private static final Logger LOG = LoggerFactory.getLogger(LiveStream.class);
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final HttpConsoleApi api;
    private final long instanceId;
    private final LiveListener listener;
    private final AtomicReference<Stream<String>> lines = new AtomicReference<>();
    private volatile boolean closed;
    private volatile Thread thread;
    private String lastEventId;

    private LiveStream(HttpConsoleApi api, long instanceId, LiveListener listener) {
        this.api = api;
        this.instanceId = instanceId;
        this.listener = listener;
    }

    static LiveStream open(HttpConsoleApi api, long instanceId, LiveListener listener) {
        LiveStream stream = new LiveStream(api, instanceId, listener);
        stream.thread = Thread.ofVirtual().name("pga-live-" + instanceId).start(stream::run);
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
                if (stream()) {
                    backoff = FIRST_BACKOFF;
                }
                if (closed) {
                    break;
                }
                LOG.debug("instance {}: the live stream ended; reconnecting", instanceId);
                listener.state(LiveListener.State.RECONNECTING, "The live stream ended: reconnecting.");
            } catch (ApiException e) {
                if (e.kind() == ApiException.Kind.SESSION_EXPIRED) {
                    listener.state(LiveListener.State.SESSION_EXPIRED, e.getMessage());
                    return;
                }
                if (closed) {
                    break;
                }
                LOG.info("instance {}: live stream: {}; retrying in {} s", instanceId, e.getMessage(), backoff.toSeconds());
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

    /** Reads the stream until it ends; true if it was connected. */
    private boolean stream() {
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
            return false;
        }
        listener.state(LiveListener.State.LIVE, "Live.");
        String event = "message";
        StringBuilder data = new StringBuilder();
        try {
            for (Iterator<String> it = response.body().iterator(); it.hasNext() && !closed; ) {
                String line = it.next();
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
            if (!closed) {
                throw api.unreachable(e.getCause() instanceof IOException io ? io : new IOException(e));
            }
        } finally {
            lines.set(null);
            response.body().close();
        }
        return true;
    }

    private HttpResponse<Stream<String>> connect(String token) {
        HttpRequest.Builder request = api.request("/instances/" + instanceId + "/live", token)
                .timeout(Duration.ofDays(365)).header("Accept", "text/event-stream").GET();
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
        if (data.isEmpty() || !(event.equals("update") || event.equals("message"))) {
            return;
        }
        try {
            listener.update(api.mapper().readValue(data.toString(), LiveUpdate.class));
        } catch (JsonProcessingException e) {
            LOG.warn("instance {}: an unreadable live update, skipped", instanceId, e);
        }
    }

    private static String field(String line, int prefix) {
        String value = line.substring(prefix);
        return value.startsWith(" ") ? value.substring(1) : value;
    }
}
