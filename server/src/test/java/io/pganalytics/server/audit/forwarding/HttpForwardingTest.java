package io.pganalytics.server.audit.forwarding;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.audit.AuditEvent;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.Eventually;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Forwarding to Elasticsearch's bulk API and Splunk's HTTP Event Collector. Neither product is installable here: each
 * is emulated by an in-test HTTP server that checks the documented wire format strictly (method, path, headers, body
 * framing, every field) and refuses anything else, and that fails on purpose at first to exercise the retries.
 */
class HttpForwardingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
    private static final List<String> RECORD_FIELDS = List.of("seq", "at", "at_micros", "node", "category", "action", "outcome",
            "actor_kind", "actor_id", "actor_roles", "resource_type", "resource_id", "status", "error_type", "duration_us", "details",
            "actor_personal", "subject_id", "subject_personal", "prev_hash", "hash");
    private final List<HttpServer> servers = new ArrayList<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(s -> s.stop(0));
    }

    @Test
    void elasticsearchGetsEveryRecordOnceByIdThroughRefusalsAndPartialFailures() throws Exception {
        Map<String, JsonNode> documents = new ConcurrentHashMap<>();
        AtomicInteger requests = new AtomicInteger();
        HttpServer es = server("/_bulk", exchange -> {
            int n = requests.incrementAndGet();
            check(exchange.getRequestMethod().equals("POST"), "method " + exchange.getRequestMethod());
            check("application/x-ndjson".equals(exchange.getRequestHeaders().getFirst("Content-Type")),
                    "Content-Type " + exchange.getRequestHeaders().getFirst("Content-Type"));
            check(("ApiKey " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization")), "Authorization header");
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            check(body.endsWith("\n"), "the bulk body ends with a line feed");
            if (n == 1) {
                respond(exchange, 429, "{\"error\":{\"type\":\"es_rejected_execution_exception\"},\"status\":429}");
                return;
            }
            String[] lines = body.split("\n");
            check(lines.length % 2 == 0, "action and document lines in pairs");
            StringBuilder items = new StringBuilder();
            boolean errors = false;
            for (int i = 0; i + 1 < lines.length; i += 2) {
                JsonNode action = JSON.readTree(lines[i]);
                JsonNode document = JSON.readTree(lines[i + 1]);
                JsonNode index = action.get("index");
                check(action.size() == 1 && index != null, "an index action: " + lines[i]);
                check("audit-test".equals(index.path("_index").asText()), "_index " + index);
                check(index.path("_id").isTextual() && index.path("_id").asText().equals(document.path("seq").asText()), "_id = seq: " + index);
                check(fieldNames(document).equals(RECORD_FIELDS), "every stored field: " + fieldNames(document));
                boolean fail = n == 2 && i == 0; // one item refused in the second request: the whole batch is sent again
                if (!fail) {
                    documents.put(index.get("_id").asText(), document);
                }
                errors |= fail;
                if (items.length() > 0) {
                    items.append(',');
                }
                items.append("{\"index\":{\"_index\":\"audit-test\",\"_id\":\"").append(index.get("_id").asText()).append("\",\"status\":")
                        .append(fail ? "503,\"error\":{\"type\":\"unavailable_shards_exception\"}" : "201,\"result\":\"created\"").append("}}");
            }
            respond(exchange, 200, "{\"took\":3,\"errors\":" + errors + ",\"items\":[" + items + "]}");
        });
        Path key = secretFile(TOKEN);
        String database = SharedPostgres.newDatabase("audit_es");
        try (PgAnalyticsServer server = TestServers.start(database, TestServers.newClusterName(), Map.of(
                "audit.forwarding.0.name", "es",
                "audit.forwarding.0.type", "elasticsearch",
                "audit.forwarding.0.url", "http://127.0.0.1:" + es.getAddress().getPort() + "/",
                "audit.forwarding.0.index", "audit-test",
                "audit.forwarding.0.api-key-file", key.toString(),
                "audit.forwarding.0.batch-size", "7",
                "audit.forwarding.0.retry-initial", "20ms",
                "audit.forwarding.0.retry-max", "200ms",
                "audit.forwarding.0.poll-interval", "20ms"))) {
            for (int i = 0; i < 30; i++) {
                server.audit().log().appendNow(AuditEvent.change("es.thing.update", "thing", Integer.toString(i)).change(Map.of("n", i), Map.of("n", i + 1)));
            }
            long head = SyslogForwardingTest.head(database);
            Eventually.await(Duration.ofSeconds(60), "every record indexed", () -> documents.keySet().containsAll(
                    LongStream.rangeClosed(1, head).mapToObj(Long::toString).toList()));
            Eventually.await(Duration.ofSeconds(30), "the position at the head", () -> SyslogForwardingTest.position(database, "es") >= head);
            assertEquals(List.of(), violations, "the emulated bulk API saw only well-formed requests");
            assertEquals(head, documents.size(), "one document per record: resends overwrite by _id");
            assertTrue(requests.get() >= 3, "the refused and partly failed requests were sent again");

            ApiClient api = new ApiClient(server);
            ApiClient.Response status = api.get("/audit/forwarding", api.loginAdmin());
            assertEquals(200, status.status(), status.body());
            JsonNode es0 = status.json().get(0);
            assertEquals("es", es0.get("name").asText());
            assertEquals("elasticsearch", es0.get("type").asText());
            assertTrue(es0.get("position").asLong() >= head);
            assertTrue(es0.get("delivered").asLong() >= head);
            assertFalse(status.body().contains(TOKEN), "the API key is never shown");
            String metrics = scrape(server);
            assertTrue(metrics.contains("pganalytics_audit_forwarded_total{destination=\"es\"}"), metrics);
            assertTrue(metrics.contains("pganalytics_audit_forward_failures_total{destination=\"es\"} 2"), "two failed attempts counted");
            assertTrue(metrics.contains("pganalytics_audit_forward_lag_records{destination=\"es\"}"), metrics);
        }
    }

    @Test
    void splunkGetsEventsWithTheTokenAndTheLagIsReportedWhileItRefuses() throws Exception {
        Map<Long, JsonNode> events = new ConcurrentHashMap<>();
        AtomicInteger refusals = new AtomicInteger(Integer.MAX_VALUE);
        HttpServer splunk = server("/services/collector/event", exchange -> {
            check(exchange.getRequestMethod().equals("POST"), "method " + exchange.getRequestMethod());
            check(exchange.getRequestURI().getPath().equals("/services/collector/event"), "path " + exchange.getRequestURI());
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (!("Splunk " + TOKEN).equals(authorization)) {
                violations.add("Authorization: " + (authorization == null ? "none" : "wrong"));
                respond(exchange, 401, "{\"text\":\"Invalid authorization\",\"code\":3}");
                return;
            }
            if (refusals.getAndDecrement() > 0) {
                respond(exchange, 503, "{\"text\":\"Server is busy\",\"code\":9}");
                return;
            }
            JsonParser parser = JSON.getFactory().createParser(body);
            try (MappingIterator<JsonNode> it = JSON.readValues(parser, JsonNode.class)) {
                while (it.hasNext()) {
                    JsonNode event = it.next();
                    check(event.path("time").isNumber(), "time is epoch seconds as a number: " + event.get("time"));
                    check(event.path("host").isTextual() && event.path("source").asText().equals("pganalytics")
                            && event.path("sourcetype").asText().equals("pganalytics:audit") && event.path("index").asText().equals("audit"),
                            "host, source, sourcetype, index: " + event);
                    JsonNode record = event.path("event");
                    check(fieldNames(record).equals(RECORD_FIELDS), "the event is the record's JSON object: " + fieldNames(record));
                    check(Math.abs(event.get("time").decimalValue().movePointRight(6).longValue() - record.path("at_micros").asLong()) == 0,
                            "time is the record's time to the microsecond");
                    events.put(record.get("seq").asLong(), record);
                }
            }
            respond(exchange, 200, "{\"text\":\"Success\",\"code\":0}");
        });
        String database = SharedPostgres.newDatabase("audit_splunk");
        Path token = secretFile(TOKEN);
        try (PgAnalyticsServer server = TestServers.start(database, TestServers.newClusterName(), Map.of(
                "audit.forwarding.0.name", "splunk",
                "audit.forwarding.0.type", "splunk",
                "audit.forwarding.0.url", "http://127.0.0.1:" + splunk.getAddress().getPort(),
                "audit.forwarding.0.token-file", token.toString(),
                "audit.forwarding.0.index", "audit",
                "audit.forwarding.0.retry-initial", "20ms",
                "audit.forwarding.0.retry-max", "100ms",
                "audit.forwarding.0.poll-interval", "20ms"))) {
            for (int i = 0; i < 12; i++) {
                server.audit().log().appendNow(AuditEvent.system("splunk.event").detail("i", i));
            }
            long head = SyslogForwardingTest.head(database);
            ApiClient api = new ApiClient(server);
            String admin = api.loginAdmin();
            Eventually.await(Duration.ofSeconds(30), "the refusal reported with the lag", () -> {
                JsonNode s = api.get("/audit/forwarding", admin).json().get(0);
                return s.get("lagRecords").asLong() >= head && !s.get("lastError").isNull() && !s.get("oldestPendingAt").isNull();
            });
            JsonNode lagging = api.get("/audit/forwarding", admin).json().get(0);
            assertTrue(lagging.get("lastError").asText().contains("503"), lagging.toString());
            assertFalse(lagging.toString().contains(TOKEN), "the token is never shown");
            assertTrue(scrape(server).contains("pganalytics_audit_forward_lag_records{destination=\"splunk\"} "), "lag exported");
            refusals.set(0);
            long headNow = SyslogForwardingTest.head(database);
            Eventually.await(Duration.ofSeconds(60), "every event received", () -> events.keySet().containsAll(
                    LongStream.rangeClosed(1, headNow).boxed().toList()));
            Eventually.await(Duration.ofSeconds(30), "caught up", () -> {
                JsonNode s = api.get("/audit/forwarding", admin).json().get(0);
                return s.get("position").asLong() >= headNow && s.get("lastError").isNull();
            });
            assertEquals(List.of(), violations, "the emulated HEC saw only well-formed requests");
        }
    }

    @Test
    void oneNodeOfTwoForwardsADestinationAndTheOtherTakesOverWhenItStops() throws Exception {
        Map<String, AtomicInteger> copies = new ConcurrentHashMap<>();
        HttpServer es = server("/_bulk", exchange -> {
            String[] lines = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("\n");
            StringBuilder items = new StringBuilder();
            for (int i = 0; i + 1 < lines.length; i += 2) {
                String id = JSON.readTree(lines[i]).path("index").path("_id").asText();
                copies.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                items.append(items.length() > 0 ? "," : "").append("{\"index\":{\"_id\":\"").append(id).append("\",\"status\":200}}");
            }
            respond(exchange, 200, "{\"took\":1,\"errors\":false,\"items\":[" + items + "]}");
        });
        Map<String, String> settings = Map.of("audit.forwarding.0.name", "es", "audit.forwarding.0.type", "elasticsearch",
                "audit.forwarding.0.url", "http://127.0.0.1:" + es.getAddress().getPort(), "audit.forwarding.0.poll-interval", "20ms");
        String database = SharedPostgres.newDatabase("audit_forward_two");
        TestServers.TwoNodes nodes = TestServers.startTwo(database, settings, settings);
        PgAnalyticsServer a = nodes.a();
        PgAnalyticsServer b = nodes.b();
        List<PgAnalyticsServer> running = new ArrayList<>(List.of(a, b));
        try {
            for (int i = 0; i < 20; i++) {
                (i % 2 == 0 ? a : b).audit().log().appendNow(AuditEvent.system("two.nodes").detail("i", i));
            }
            long head = SyslogForwardingTest.head(database);
            Eventually.await(Duration.ofSeconds(60), "every record forwarded", () -> copies.keySet().containsAll(
                    LongStream.rangeClosed(1, head).mapToObj(Long::toString).toList()));
            boolean aForwards = forwardedBy(a) > 0;
            boolean bForwards = forwardedBy(b) > 0;
            assertTrue(aForwards ^ bForwards, "exactly one node forwards the destination: a " + aForwards + ", b " + bForwards);
            assertTrue(copies.values().stream().allMatch(n -> n.get() == 1), "each record sent once while both nodes live: " + copies);
            PgAnalyticsServer holder = aForwards ? a : b;
            PgAnalyticsServer other = aForwards ? b : a;
            running.remove(holder);
            holder.close();
            for (int i = 0; i < 5; i++) {
                other.audit().log().appendNow(AuditEvent.system("two.nodes.after").detail("i", i));
            }
            long headNow = SyslogForwardingTest.head(database);
            Eventually.await(Duration.ofSeconds(60), "the other node took the destination over", () -> copies.keySet().containsAll(
                    LongStream.rangeClosed(1, headNow).mapToObj(Long::toString).toList()));
            assertTrue(forwardedBy(other) > 0);
        } finally {
            running.forEach(PgAnalyticsServer::close);
        }
        assertEquals(List.of(), violations);
    }

    private static double forwardedBy(PgAnalyticsServer server) throws IOException, InterruptedException {
        for (String line : scrape(server).split("\n")) {
            if (line.startsWith("pganalytics_audit_forwarded_total{destination=\"es\"} ")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    @Test
    void aDestinationWithoutItsTokenOrWithADuplicateNameIsRefusedAtStart() {
        String database = SharedPostgres.newDatabase("audit_forward_config");
        RuntimeException missing = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () -> TestServers.start(database,
                TestServers.newClusterName(), Map.of("audit.forwarding.0.name", "s", "audit.forwarding.0.type", "splunk",
                        "audit.forwarding.0.url", "https://splunk.example:8088")).close());
        assertTrue(String.valueOf(missing.getMessage()).contains("token"), missing.toString());
        RuntimeException twice = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () -> TestServers.start(database,
                TestServers.newClusterName(), Map.of("audit.forwarding.0.name", "x", "audit.forwarding.0.type", "syslog",
                        "audit.forwarding.0.host", "localhost", "audit.forwarding.1.name", "x", "audit.forwarding.1.type", "syslog",
                        "audit.forwarding.1.host", "localhost")).close());
        assertTrue(String.valueOf(twice.getMessage()).contains("names two destinations"), twice.toString());
    }

    private interface Handler {
        void handle(HttpExchange exchange) throws IOException;
    }

    private HttpServer server(String path, Handler handler) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            try {
                if (!exchange.getRequestURI().getPath().equals(path)) {
                    violations.add("path " + exchange.getRequestURI());
                    respond(exchange, 404, "{}");
                    return;
                }
                handler.handle(exchange);
            } catch (RuntimeException | IOException e) {
                violations.add(e.toString());
                respond(exchange, 400, "{}");
            }
        });
        server.start();
        servers.add(server);
        return server;
    }

    private void check(boolean condition, String what) {
        if (!condition) {
            violations.add(what);
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static Path secretFile(String secret) throws IOException {
        Path file = TestServers.tempDir().resolve("secret");
        Files.writeString(file, secret + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private static String scrape(PgAnalyticsServer server) throws IOException, InterruptedException {
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        return client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + server.adminPort() + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }
}
