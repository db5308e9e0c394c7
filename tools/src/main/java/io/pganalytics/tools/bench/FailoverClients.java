package io.pganalytics.tools.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The failover bench's clients, all through the balancer: query clients that read the instance list one request after
 * another (each request's start, end and outcome recorded), and live-stream clients that hold
 * {@code GET /instances/{id}/live} open and, when it ends, reconnect at once with {@code Last-Event-ID} (each drop and
 * the time until the next event arrived recorded). A stream silent for longer than {@link #STREAM_SILENCE} (the server
 * sends a heartbeat every 15 s) counts as dropped.
 */
final class FailoverClients implements AutoCloseable {
    static final Duration STREAM_SILENCE = Duration.ofSeconds(40);
    private static final Duration PACE = Duration.ofMillis(100);

    /** One query: when it started and ended ({@link System#nanoTime()}), and whether it got 200. */
    record Request(long startNanos, long endNanos, boolean ok, String failure) {
    }

    /** A live stream that ended at {@code droppedNanos} and got its next event at {@code backNanos} (0: never). */
    record Reconnect(int stream, long droppedNanos, long backNanos) {
    }

    private final HttpClient http;
    private final URI api;
    private final Supplier<String> accessToken;
    private final ConcurrentLinkedQueue<Request> requests = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Reconnect> reconnects = new ConcurrentLinkedQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private final List<StreamState> streams = new ArrayList<>();
    private final CountDownLatch stop = new CountDownLatch(1);

    FailoverClients(HttpClient http, URI balancer, Supplier<String> accessToken) {
        this.http = http;
        this.api = balancer.resolve("/api/v1/");
        this.accessToken = accessToken;
    }

    /** Starts {@code queryClients} query loops and {@code streamClients} live streams of instance {@code instanceId}. */
    void start(int queryClients, int streamClients, long instanceId) {
        for (int i = 0; i < queryClients; i++) {
            threads.add(Thread.ofVirtual().name("failover-query-" + i).start(this::queryLoop));
        }
        for (int i = 0; i < streamClients; i++) {
            StreamState state = new StreamState(i, api.resolve("instances/" + instanceId + "/live"));
            streams.add(state);
            threads.add(Thread.ofVirtual().name("failover-stream-" + i).start(() -> streamLoop(state)));
        }
        threads.add(Thread.ofVirtual().name("failover-stream-watchdog").start(this::watchdog));
    }

    /** True once every stream has received an event. */
    boolean streamsConnected() {
        return streams.stream().allMatch(s -> s.everConnected);
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Every drop so far, and for a stream still down its open drop (backNanos 0). */
    List<Reconnect> reconnects() {
        List<Reconnect> all = new ArrayList<>(reconnects);
        for (StreamState state : streams) {
            long dropped = state.droppedNanos;
            if (dropped != 0) {
                all.add(new Reconnect(state.index, dropped, 0));
            }
        }
        return all;
    }

    private void queryLoop() {
        while (stop.getCount() > 0) {
            long start = System.nanoTime();
            String failure = null;
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(api.resolve("instances"))
                        .header("Authorization", "Bearer " + accessToken.get()).timeout(Duration.ofSeconds(10)).GET().build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() != 200) {
                    failure = "HTTP " + response.statusCode();
                }
            } catch (IOException e) {
                failure = e.getClass().getSimpleName();
            } catch (InterruptedException e) {
                return;
            }
            requests.add(new Request(start, System.nanoTime(), failure == null, failure));
            if (pause(PACE)) {
                return;
            }
        }
    }

    private void streamLoop(StreamState state) {
        while (stop.getCount() > 0) {
            HttpRequest.Builder request = HttpRequest.newBuilder(state.uri).header("Accept", "text/event-stream")
                    .header("Authorization", "Bearer " + accessToken.get()).timeout(Duration.ofSeconds(10)).GET();
            if (state.lastEventId != null) {
                request.header("Last-Event-ID", state.lastEventId);
            }
            try {
                HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream body = response.body()) {
                    if (response.statusCode() == 200) {
                        state.body = body;
                        state.lastLineNanos = System.nanoTime();
                        read(state, new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8)));
                    }
                }
            } catch (IOException e) {
                // the stream ended or could not be opened: a drop (below), then reconnect
            } catch (InterruptedException e) {
                return;
            }
            state.body = null;
            if (stop.getCount() == 0) {
                return;
            }
            if (state.droppedNanos == 0 && state.everConnected) {
                state.droppedNanos = System.nanoTime();
            }
            if (pause(PACE)) {
                return;
            }
        }
    }

    private void read(StreamState state, BufferedReader reader) throws IOException {
        String line;
        while ((line = reader.readLine()) != null) {
            state.lastLineNanos = System.nanoTime();
            if (line.startsWith("id:")) {
                state.lastEventId = line.substring(3).strip();
            }
            if (line.startsWith("event:") || line.startsWith("data:")) {
                state.everConnected = true;
                long dropped = state.droppedNanos;
                if (dropped != 0) {
                    reconnects.add(new Reconnect(state.index, dropped, System.nanoTime()));
                    state.droppedNanos = 0;
                }
            }
            if (stop.getCount() == 0) {
                return;
            }
        }
    }

    /** Ends a stream that has been silent too long (its node or the path to it is gone without a FIN). */
    private void watchdog() {
        while (!pause(Duration.ofSeconds(1))) {
            for (StreamState state : streams) {
                InputStream body = state.body;
                if (body != null && System.nanoTime() - state.lastLineNanos > STREAM_SILENCE.toNanos()) {
                    try {
                        body.close();
                    } catch (IOException e) {
                        // closing is all that is wanted
                    }
                }
            }
        }
    }

    /** Waits {@code duration} or until stopped; true when stopped. */
    private boolean pause(Duration duration) {
        try {
            return stop.await(duration.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop.countDown();
        for (StreamState state : streams) {
            InputStream body = state.body;
            if (body != null) {
                try {
                    body.close();
                } catch (IOException e) {
                    // closing is all that is wanted
                }
            }
        }
        for (Thread thread : threads) {
            if (!thread.join(Duration.ofSeconds(15))) {
                thread.interrupt();
            }
        }
    }

    private static final class StreamState {
        final int index;
        final URI uri;
        volatile String lastEventId;
        volatile InputStream body;
        volatile long lastLineNanos;
        volatile long droppedNanos;
        volatile boolean everConnected;

        StreamState(int index, URI uri) {
            this.index = index;
            this.uri = uri;
        }
    }
}
