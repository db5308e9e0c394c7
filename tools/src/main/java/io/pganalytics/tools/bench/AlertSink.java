package io.pganalytics.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Executors;

/**
 * A real webhook receiver for the incident suite's alert notifications: an HTTP server on the loopback interface that
 * checks each request's HMAC-SHA256 signature ({@code X-PgAnalytics-Signature}) with the key the suite gave the
 * receiver, and keeps what arrived and when. A request with a bad signature is refused (401) and counted.
 */
final class AlertSink implements AutoCloseable {
    /** The most notifications kept (a run that sends more is itself a finding: the count says so). */
    static final int MAX_KEPT = 100_000;
    private static final int MAX_BODY = 1 << 20;

    /** One notification as it arrived. */
    record Received(Instant at, String event, long incidentId, String instance, List<String> alerts, long notificationId) {
    }

    private final HttpServer server;
    private final String key;
    private final ObjectMapper mapper;
    private final List<Received> received = new ArrayList<>();
    private int refused;
    private int dropped;

    private AlertSink(HttpServer server, String key, ObjectMapper mapper) {
        this.server = server;
        this.key = key;
        this.mapper = mapper;
    }

    static AlertSink start(ObjectMapper mapper) throws IOException {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        AlertSink sink = new AlertSink(server, HexFormat.of().formatHex(secret), mapper);
        server.createContext("/alerts", sink::handle);
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "incident-suite-alert-sink");
            thread.setDaemon(true);
            return thread;
        }));
        server.start();
        return sink;
    }

    /** The URL the receiver posts to. */
    URI url() {
        return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort() + "/alerts");
    }

    /** The receiver's HMAC key (a secret of the receiver: write-only in the API). */
    String key() {
        return key;
    }

    synchronized List<Received> received() {
        return List.copyOf(received);
    }

    synchronized int refused() {
        return refused;
    }

    synchronized int dropped() {
        return dropped;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY + 1);
            String signature = exchange.getRequestHeaders().getFirst("X-PgAnalytics-Signature");
            if (!"POST".equals(exchange.getRequestMethod()) || body.length > MAX_BODY || signature == null
                    || !MessageDigest.isEqual(("sha256=" + hmac(body)).getBytes(StandardCharsets.US_ASCII),
                    signature.getBytes(StandardCharsets.US_ASCII))) {
                synchronized (this) {
                    refused++;
                }
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            JsonNode json = mapper.readTree(body);
            List<String> alerts = new ArrayList<>();
            json.path("alerts").forEach(a -> alerts.add(a.path("name").asText() + (a.path("suppressed").asBoolean() ? " (suppressed)" : "")));
            Received r = new Received(Instant.now(), json.path("event").asText(), json.path("incident").path("id").asLong(),
                    json.path("incident").path("instance").asText(), alerts, json.path("id").asLong());
            synchronized (this) {
                if (received.size() < MAX_KEPT) {
                    received.add(r);
                } else {
                    dropped++;
                }
            }
            exchange.sendResponseHeaders(204, -1);
        }
    }

    private String hmac(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
