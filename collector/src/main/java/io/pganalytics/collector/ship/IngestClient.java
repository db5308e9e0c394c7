package io.pganalytics.collector.ship;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pganalytics.collector.spool.SpooledBatch;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.common.wire.IngestAck;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The client side of {@code POST /api/v1/ingest}: one spooled batch per request, its gzip bytes sent as they
 * are in the spool, its batch id as the {@code Idempotency-Key}.
 */
public final class IngestClient {
    static final String INGEST_PATH = "api/v1/ingest";
    /**
     * 4xx answers that are about the collector (its credential, its server URL) or the moment (a timeout), not the
     * batch: retried, never quarantined, so that fixing the credential or the URL delivers the spool. Every other 4xx
     * (400, 403 for a batch this collector may not write, 409, 413, 415, 422...) refuses this batch for good.
     */
    private static final Set<Integer> COLLECTOR_PROBLEMS = Set.of(401, 404, 405, 408);

    private final HttpClient http;
    private final URI ingestUri;
    private final Supplier<String> credential;
    private final Duration requestTimeout;
    private final String userAgent;
    private final Clock clock;
    private final ObjectMapper mapper = JsonMapping.newMapper();

    /**
     * @param serverUrl  the server's base URL ({@code https://host:port})
     * @param credential the collector's credential, read per request
     */
    public IngestClient(HttpClient http, URI serverUrl, Supplier<String> credential, Duration requestTimeout,
                        String collectorVersion, Clock clock) {
        this.http = http;
        this.ingestUri = resolve(serverUrl, INGEST_PATH);
        this.credential = credential;
        this.requestTimeout = requestTimeout;
        this.userAgent = "pganalytics-collector/" + collectorVersion;
        this.clock = clock;
    }

    /** {@code base} with {@code path} appended, keeping any path prefix the base has. */
    public static URI resolve(URI base, String path) {
        String text = base.toString();
        return URI.create(text.endsWith("/") ? text + path : text + "/" + path);
    }

    /** Sends one batch; never throws for a network or server problem, only on interrupt. */
    public SendOutcome send(SpooledBatch batch) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(ingestUri)
                .timeout(requestTimeout)
                .header("Authorization", "Bearer " + credential.get())
                .header("Content-Type", "application/json")
                .header("Content-Encoding", "gzip")
                .header("Idempotency-Key", batch.batchId())
                .header("User-Agent", userAgent)
                .POST(HttpRequest.BodyPublishers.ofByteArray(batch.payload()))
                .build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            return new SendOutcome.Failed(0, "cannot reach " + ingestUri + ": " + e);
        }
        return outcome(batch, response);
    }

    private SendOutcome outcome(SpooledBatch batch, HttpResponse<byte[]> response) {
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            try {
                IngestAck ack = mapper.readValue(response.body(), IngestAck.class);
                if (!batch.batchId().equals(ack.batchId())) {
                    return new SendOutcome.Failed(status, "the acknowledgement names batch " + ack.batchId());
                }
                return new SendOutcome.Acknowledged(ack);
            } catch (IOException e) {
                return new SendOutcome.Failed(status, "unreadable acknowledgement: " + e.getMessage());
            }
        }
        String message = ErrorEnvelope.describe(mapper, status, response.body());
        if (status == 429 || status == 503) {
            return new SendOutcome.RetryLater(status, retryAfter(response).orElse(null), message);
        }
        if (status >= 400 && status < 500 && !COLLECTOR_PROBLEMS.contains(status)) {
            return new SendOutcome.Refused(status, message);
        }
        return new SendOutcome.Failed(status, message);
    }

    private Optional<Duration> retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").flatMap(value -> parseRetryAfter(value, clock));
    }

    /** Retry-After as delta-seconds or an HTTP date. */
    static Optional<Duration> parseRetryAfter(String value, Clock clock) {
        String text = value.strip();
        try {
            long seconds = Long.parseLong(text);
            return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration wait = Duration.between(clock.instant(), at.toInstant());
                return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
            } catch (DateTimeParseException notDate) {
                return Optional.empty();
            }
        }
    }
}
