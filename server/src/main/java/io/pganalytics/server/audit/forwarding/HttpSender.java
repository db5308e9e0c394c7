package io.pganalytics.server.audit.forwarding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.server.audit.AuditJsonLines;
import io.pganalytics.server.audit.StoredRecord;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The two HTTP destinations: Elasticsearch's bulk API and Splunk's HTTP Event Collector. Each request carries one batch;
 * a batch counts as delivered only on a 2xx answer that reports no failed item.
 */
abstract sealed class HttpSender implements Sender permits HttpSender.Elasticsearch, HttpSender.Splunk {
    private static final ObjectMapper JSON = JsonMapping.newMapper();
    /** How much of an error answer is kept for the status route and the log. */
    private static final int MAX_ANSWER = 500;

    final ForwardingConfig.Destination destination;
    private final HttpClient client;
    private final Optional<String> authorization;

    HttpSender(ForwardingConfig.Destination destination, Optional<String> authorization) {
        this.destination = destination;
        this.authorization = authorization;
        this.client = HttpClient.newBuilder()
                .sslContext(TlsTrust.context(destination.name(), destination.caFile()))
                .connectTimeout(destination.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    static Sender create(ForwardingConfig.Destination d, Function<String, String> environment) {
        Optional<String> secret = TlsTrust.secret(d, environment);
        return switch (d.kind()) {
            case ELASTICSEARCH -> new Elasticsearch(d, secret.map(key -> "ApiKey " + key));
            case SPLUNK -> new Splunk(d, secret.map(token -> "Splunk " + token));
            case SYSLOG -> throw new IllegalArgumentException("syslog is not an HTTP destination");
        };
    }

    abstract URI endpoint();

    abstract String contentType();

    abstract String body(List<StoredRecord> records);

    /** Throws when the 2xx answer still reports a refused record. */
    abstract void check(JsonNode answer) throws IOException;

    @Override
    public void send(List<StoredRecord> records) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint())
                .timeout(destination.timeout())
                .header("Content-Type", contentType())
                .POST(HttpRequest.BodyPublishers.ofString(body(records), StandardCharsets.UTF_8));
        authorization.ifPresent(value -> request.header("Authorization", value));
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while sending to " + destination.target(), e);
        }
        if (response.statusCode() / 100 != 2) {
            throw new IOException(endpoint() + " answered " + response.statusCode() + ": " + abbreviate(response.body()));
        }
        JsonNode answer;
        try {
            answer = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IOException(endpoint() + " answered " + response.statusCode() + " with a body that is not JSON: " + abbreviate(response.body()));
        }
        check(answer);
    }

    @Override
    public void close() {
        // the client's connections close when it is collected; nothing to release per batch
    }

    static String abbreviate(String text) {
        String flat = text == null ? "" : text.replaceAll("\\s+", " ");
        return flat.length() > MAX_ANSWER ? flat.substring(0, MAX_ANSWER) + "..." : flat;
    }

    /**
     * {@code POST <url>/_bulk} with {@code Content-Type: application/x-ndjson}: per record an {@code index} action with
     * {@code _index} and {@code _id} = seq (a resend overwrites the same document instead of adding one), then the
     * record's JSON line; the body ends with a line feed. Authorization {@code ApiKey <key>} when a key is configured.
     */
    static final class Elasticsearch extends HttpSender {
        Elasticsearch(ForwardingConfig.Destination destination, Optional<String> authorization) {
            super(destination, authorization);
        }

        @Override
        URI endpoint() {
            return URI.create(destination.url() + "/_bulk");
        }

        @Override
        String contentType() {
            return "application/x-ndjson";
        }

        @Override
        String body(List<StoredRecord> records) {
            StringBuilder body = new StringBuilder(records.size() * 700);
            for (StoredRecord r : records) {
                body.append("{\"index\":{\"_index\":\"").append(destination.index()).append("\",\"_id\":\"").append(r.seq()).append("\"}}\n");
                body.append(AuditJsonLines.line(r)).append('\n');
            }
            return body.toString();
        }

        @Override
        void check(JsonNode answer) throws IOException {
            if (!answer.path("errors").asBoolean(true)) {
                return;
            }
            for (JsonNode item : answer.path("items")) {
                JsonNode result = item.path("index");
                int status = result.path("status").asInt(0);
                if (status / 100 != 2) {
                    throw new IOException("the bulk request refused document " + result.path("_id").asText("?") + " with " + status
                            + ": " + abbreviate(result.path("error").toString()));
                }
            }
            throw new IOException("the bulk answer reports errors but names no refused item: " + abbreviate(answer.toString()));
        }
    }

    /**
     * {@code POST <url>/services/collector/event} with {@code Authorization: Splunk <token>}: the batch as concatenated
     * event objects ({@code time} in seconds with microseconds, {@code host} the node, {@code source},
     * {@code sourcetype}, {@code index} when configured, {@code event} the record's JSON object).
     */
    static final class Splunk extends HttpSender {
        Splunk(ForwardingConfig.Destination destination, Optional<String> authorization) {
            super(destination, authorization);
        }

        @Override
        URI endpoint() {
            return URI.create(destination.url() + "/services/collector/event");
        }

        @Override
        String contentType() {
            return "application/json";
        }

        @Override
        String body(List<StoredRecord> records) {
            StringBuilder body = new StringBuilder(records.size() * 800);
            for (StoredRecord r : records) {
                long micros = io.pganalytics.server.audit.AuditLog.micros(r.at());
                body.append("{\"time\":").append(BigDecimal.valueOf(micros, 6).toPlainString())
                        .append(",\"host\":").append(quote(r.node()))
                        .append(",\"source\":\"pganalytics\",\"sourcetype\":").append(quote(destination.sourceType()));
                if (!destination.index().isEmpty()) {
                    body.append(",\"index\":").append(quote(destination.index()));
                }
                body.append(",\"event\":").append(AuditJsonLines.line(r)).append("}\n");
            }
            return body.toString();
        }

        @Override
        void check(JsonNode answer) throws IOException {
            if (answer.path("code").asInt(-1) != 0) {
                throw new IOException("the HTTP Event Collector answered code " + answer.path("code").asText("?") + ": "
                        + abbreviate(answer.path("text").asText("")));
            }
        }

        private static String quote(String text) {
            try {
                return JSON.writeValueAsString(text);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
