package io.pganalytics.collector.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.pganalytics.common.api.ApiError;
import io.pganalytics.common.api.ErrorType;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.common.wire.CollectorIdentity;
import io.pganalytics.common.wire.IngestAck;
import io.pganalytics.common.wire.MetricBatch;
import io.pganalytics.common.wire.RegistrationRequest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.zip.GZIPInputStream;

/**
 * A real HTTP server speaking the collector protocol (register + ingest), for tests. It records every request
 * it receives, drops duplicate idempotency keys as the real server does, and can be told to be down
 * (connection refused on the same port), to answer a scripted status (503/429 with Retry-After, 400), or to be up.
 */
public final class TestIngestServer implements AutoCloseable {
    /** One request the server received, with the answer it gave. */
    public record Received(Instant at, String idempotencyKey, String authorization, MetricBatch batch, int status) {
    }

    /** A scripted answer to the next ingest request. */
    public record Scripted(int status, Integer retryAfterSeconds) {
    }

    private final ObjectMapper mapper = JsonMapping.newMapper();
    private final ExecutorService executor = Executors.newFixedThreadPool(8);
    private final List<Received> received = new ArrayList<>();
    private final Set<String> committedKeys = new LinkedHashSet<>();
    private final List<MetricBatch> committed = new ArrayList<>();
    private final Deque<Scripted> script = new ArrayDeque<>();
    private final Set<String> registrationTokens = new HashSet<>();
    private final Set<String> credentials = new HashSet<>();
    private final Map<String, Integer> registrations = new HashMap<>();
    private final int port;
    private HttpServer server;
    private int collectorCount;

    public TestIngestServer() throws IOException {
        server = bind(0);
        port = server.getAddress().getPort();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    /** Stops listening: connections to the port are refused until {@link #up()}. */
    public synchronized void down() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    /** Listens again on the same port. */
    public synchronized void up() throws IOException {
        if (server == null) {
            server = bind(port);
        }
    }

    public synchronized void script(Scripted... answers) {
        script.addAll(List.of(answers));
    }

    public synchronized void acceptRegistrationToken(String token) {
        registrationTokens.add(token);
    }

    public synchronized void acceptCredential(String credential) {
        credentials.add(credential);
    }

    public synchronized List<Received> received() {
        return List.copyOf(received);
    }

    /** Batches committed, in the order they were committed (duplicates not repeated). */
    public synchronized List<MetricBatch> committed() {
        return List.copyOf(committed);
    }

    public synchronized int duplicateCount() {
        return (int) received.stream().filter(r -> r.status() == 200).count() - committed.size();
    }

    @Override
    public void close() {
        down();
        executor.shutdownNow();
    }

    /** Polls {@code condition} until it holds or the deadline passes; true when it held. */
    public static boolean await(Duration deadline, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }

    private HttpServer bind(int onPort) throws IOException {
        HttpServer created = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 50);
        created.setExecutor(executor);
        created.createContext("/api/v1/ingest", this::ingest);
        created.createContext("/api/v1/collectors/register", this::register);
        created.start();
        return created;
    }

    private void ingest(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            Scripted scripted;
            synchronized (this) {
                scripted = script.pollFirst();
            }
            if (scripted != null) {
                record(key, authorization, null, scripted.status());
                if (scripted.retryAfterSeconds() != null) {
                    exchange.getResponseHeaders().add("Retry-After", String.valueOf(scripted.retryAfterSeconds()));
                }
                error(exchange, scripted.status(), "scripted answer " + scripted.status());
                return;
            }
            if (!"gzip".equals(exchange.getRequestHeaders().getFirst("Content-Encoding")) || key == null) {
                record(key, authorization, null, 400);
                error(exchange, 400, "gzip body and Idempotency-Key required");
                return;
            }
            String credential = authorization != null && authorization.startsWith("Bearer ") ? authorization.substring(7) : "";
            synchronized (this) {
                if (!credentials.isEmpty() && !credentials.contains(credential)) {
                    record(key, authorization, null, 401);
                    error(exchange, 401, "unknown credential");
                    return;
                }
            }
            MetricBatch batch;
            try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(body))) {
                batch = mapper.readValue(in, MetricBatch.class);
            } catch (IOException e) {
                record(key, authorization, null, 400);
                error(exchange, 400, "unreadable batch: " + e.getMessage());
                return;
            }
            if (!key.equals(batch.batchId())) {
                record(key, authorization, batch, 400);
                error(exchange, 400, "Idempotency-Key does not match batchId");
                return;
            }
            boolean duplicate;
            synchronized (this) {
                duplicate = !committedKeys.add(key);
                if (!duplicate) {
                    committed.add(batch);
                }
                record(key, authorization, batch, 200);
            }
            int rows = batch.snapshots().stream().mapToInt(s -> s.rows().size()).sum();
            send(exchange, 200, mapper.writeValueAsBytes(new IngestAck(key, duplicate, Map.of("all", rows))));
        }
    }

    private void register(HttpExchange exchange) throws IOException {
        try (exchange) {
            RegistrationRequest request;
            try {
                request = mapper.readValue(exchange.getRequestBody(), RegistrationRequest.class);
            } catch (IOException e) {
                error(exchange, 400, "unreadable registration: " + e.getMessage());
                return;
            }
            CollectorIdentity identity;
            synchronized (this) {
                if (!registrationTokens.remove(request.token())) {
                    error(exchange, 401, "the registration token is unknown or was already used");
                    return;
                }
                collectorCount++;
                String id = "collector-" + collectorCount;
                identity = new CollectorIdentity(id, "cred-" + collectorCount + "-s3cr3t-" + Long.toHexString(System.nanoTime()), url().toString());
                credentials.add(identity.credential());
                registrations.put(id, collectorCount);
            }
            send(exchange, 201, mapper.writeValueAsBytes(identity));
        }
    }

    private synchronized void record(String key, String authorization, MetricBatch batch, int status) {
        received.add(new Received(Instant.now(), key, authorization, batch, status));
    }

    private void error(HttpExchange exchange, int status, String message) throws IOException {
        ErrorType type = switch (status) {
            case 400 -> ErrorType.VALIDATION_FAILED;
            case 401 -> ErrorType.UNAUTHENTICATED;
            case 429 -> ErrorType.RATE_LIMITED;
            case 503 -> ErrorType.UNAVAILABLE;
            default -> ErrorType.INTERNAL;
        };
        send(exchange, status, mapper.writeValueAsBytes(new ApiError(status, type, message, List.of())));
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
