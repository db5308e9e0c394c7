package io.pganalytics.collector.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.pganalytics.collector.ship.ServerTls;
import io.pganalytics.common.api.ApiError;
import io.pganalytics.common.api.ErrorDetail;
import io.pganalytics.common.api.ErrorType;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.common.wire.CollectorIdentity;
import io.pganalytics.common.wire.IngestAck;
import io.pganalytics.common.wire.MetricBatch;
import io.pganalytics.common.wire.RegistrationRequest;
import io.pganalytics.common.wire.Snapshot;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.zip.GZIPInputStream;

/**
 * A real HTTPS server speaking the collector protocol (register + ingest) as the real server does, for the collector's
 * tests: TLS with a self-signed certificate that clients trust through {@link #tls()} (a PEM file, as
 * {@code server.ca-file}), a credential check on every ingest (401 {@code unauthenticated} for one it did not issue or
 * accept), the same acknowledgement ({@link IngestAck} with rows per family), the same error envelope
 * ({@link ApiError}, the status-to-type mapping of the server's error handler) and the same refusals of a batch that
 * is not JSON (415), not gzip or not a batch (400 {@code malformed_request}) or names an unknown family (400
 * {@code validation_failed}). {@code server/.../ingest/IngestContractTest} holds the real server to the same
 * answers, and {@code IngestContractTest} here holds this imitation to them.
 * <p>
 * It records every request, drops duplicate idempotency keys, and can be told to be down (connection refused on the
 * same port), to answer a scripted status (503/429 with Retry-After, 4xx), or to be up.
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
    private final SelfSigned certificate = SelfSigned.get();
    private HttpServer server;
    private int collectorCount;

    public TestIngestServer() throws IOException {
        server = bind(0);
        port = server.getAddress().getPort();
    }

    public URI url() {
        return URI.create("https://127.0.0.1:" + port);
    }

    /** How a client trusts this server: exactly its self-signed certificate. */
    public ServerTls tls() {
        return new ServerTls(certificate.pem(), false);
    }

    /** The PEM file of the server's certificate, for {@code --ca-file} and {@code server.ca-file}. */
    public Path caFile() {
        return certificate.pem();
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
        HttpsServer created = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 50);
        created.setHttpsConfigurator(new HttpsConfigurator(certificate.context()));
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
                error(exchange, scripted.status(), typeOf(scripted.status()), "scripted answer " + scripted.status(), List.of());
                return;
            }
            String credential = authorization != null && authorization.startsWith("Bearer ") ? authorization.substring(7) : "";
            synchronized (this) {
                if (!credentials.contains(credential)) {
                    record(key, authorization, null, 401);
                    error(exchange, ErrorType.UNAUTHENTICATED, "a collector credential is required", List.of());
                    return;
                }
            }
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            if (contentType != null && !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
                record(key, authorization, null, 415);
                error(exchange, ErrorType.UNSUPPORTED_MEDIA_TYPE, "a batch is application/json, not " + contentType, List.of());
                return;
            }
            MetricBatch batch;
            try (InputStream in = "gzip".equals(exchange.getRequestHeaders().getFirst("Content-Encoding"))
                    ? new GZIPInputStream(new java.io.ByteArrayInputStream(body)) : new java.io.ByteArrayInputStream(body)) {
                batch = mapper.readValue(in, MetricBatch.class);
            } catch (IOException e) {
                record(key, authorization, null, 400);
                error(exchange, ErrorType.MALFORMED_REQUEST, "the batch could not be read: " + e.getMessage(), List.of());
                return;
            }
            List<ErrorDetail> problems = new ArrayList<>();
            if (batch.batchId() == null || key != null && !key.equals(batch.batchId())) {
                problems.add(new ErrorDetail("batchId", "must match the Idempotency-Key"));
            }
            for (int i = 0; batch.snapshots() != null && i < batch.snapshots().size(); i++) {
                String family = batch.snapshots().get(i).family();
                if (MetricCatalog.byName(family).isEmpty()) {
                    problems.add(new ErrorDetail("snapshots[" + i + "].family", "unknown family '" + family + "'"));
                }
            }
            if (!problems.isEmpty()) {
                record(key, authorization, batch, 400);
                error(exchange, ErrorType.VALIDATION_FAILED, "the batch is not valid", problems);
                return;
            }
            boolean duplicate;
            synchronized (this) {
                duplicate = !committedKeys.add(batch.batchId());
                if (!duplicate) {
                    committed.add(batch);
                }
                record(key, authorization, batch, 200);
            }
            Map<String, Integer> rows = new LinkedHashMap<>();
            for (Snapshot snapshot : batch.snapshots()) {
                rows.merge(snapshot.family(), snapshot.rows().size(), Integer::sum);
            }
            send(exchange, 200, mapper.writeValueAsBytes(new IngestAck(batch.batchId(), duplicate, rows)));
        }
    }

    private void register(HttpExchange exchange) throws IOException {
        try (exchange) {
            RegistrationRequest request;
            try {
                request = mapper.readValue(exchange.getRequestBody(), RegistrationRequest.class);
            } catch (IOException e) {
                error(exchange, ErrorType.MALFORMED_REQUEST, "unreadable registration: " + e.getMessage(), List.of());
                return;
            }
            CollectorIdentity identity;
            synchronized (this) {
                if (!registrationTokens.remove(request.token())) {
                    error(exchange, ErrorType.UNAUTHENTICATED, "the registration token is unknown or was already used", List.of());
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

    /** The type the real server's error handler gives a status it answers without a type of its own. */
    private static ErrorType typeOf(int status) {
        return switch (status) {
            case 401 -> ErrorType.UNAUTHENTICATED;
            case 403 -> ErrorType.FORBIDDEN;
            case 404 -> ErrorType.NOT_FOUND;
            case 405 -> ErrorType.METHOD_NOT_ALLOWED;
            case 409 -> ErrorType.CONFLICT;
            case 413 -> ErrorType.PAYLOAD_TOO_LARGE;
            case 415 -> ErrorType.UNSUPPORTED_MEDIA_TYPE;
            case 429 -> ErrorType.RATE_LIMITED;
            case 503 -> ErrorType.UNAVAILABLE;
            default -> status >= 500 ? ErrorType.INTERNAL : ErrorType.MALFORMED_REQUEST;
        };
    }

    private void error(HttpExchange exchange, ErrorType type, String message, List<ErrorDetail> details) throws IOException {
        int status = type.status();
        error(exchange, status, type, message, details);
    }

    private void error(HttpExchange exchange, int status, ErrorType type, String message, List<ErrorDetail> details)
            throws IOException {
        send(exchange, status, mapper.writeValueAsBytes(new ApiError(status, type, message, details)));
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** One self-signed certificate for 127.0.0.1 per test JVM, made by the JDK's keytool. */
    private record SelfSigned(SSLContext context, Path pem) {
        private static final String PASSWORD = "test-only";
        private static SelfSigned instance;

        static synchronized SelfSigned get() throws IOException {
            if (instance == null) {
                instance = create();
            }
            return instance;
        }

        private static SelfSigned create() throws IOException {
            Path dir = Files.createTempDirectory("test-ingest-tls");
            dir.toFile().deleteOnExit();
            Path store = dir.resolve("server.p12");
            Path pem = dir.resolve("server.pem");
            keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                    "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
                    "-keystore", store.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
            keytool("-exportcert", "-rfc", "-alias", "server", "-keystore", store.toString(), "-storepass", PASSWORD,
                    "-file", pem.toString());
            store.toFile().deleteOnExit();
            pem.toFile().deleteOnExit();
            try (InputStream in = Files.newInputStream(store)) {
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(in, PASSWORD.toCharArray());
                KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                managers.init(keys, PASSWORD.toCharArray());
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(managers.getKeyManagers(), null, null);
                return new SelfSigned(context, pem);
            } catch (GeneralSecurityException e) {
                throw new IOException("test TLS material: " + e.getMessage(), e);
            }
        }

        private static void keytool(String... args) throws IOException {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
            command.addAll(List.of(args));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            try {
                String output = new String(process.getInputStream().readAllBytes());
                if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || process.exitValue() != 0) {
                    throw new IOException("keytool " + args[0] + " failed: " + output);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while running keytool", e);
            }
        }
    }
}
