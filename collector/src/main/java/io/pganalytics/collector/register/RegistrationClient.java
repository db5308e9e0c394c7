package io.pganalytics.collector.register;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pganalytics.collector.ship.ErrorEnvelope;
import io.pganalytics.collector.ship.IngestClient;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.common.wire.CollectorIdentity;
import io.pganalytics.common.wire.RegistrationRequest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The client side of {@code POST /api/v1/collectors/register}. */
public final class RegistrationClient {
    static final String REGISTER_PATH = "api/v1/collectors/register";

    private final HttpClient http;
    private final Duration timeout;
    private final ObjectMapper mapper = JsonMapping.newMapper();

    public RegistrationClient(HttpClient http, Duration timeout) {
        this.http = http;
        this.timeout = timeout;
    }

    public CollectorIdentity register(URI server, RegistrationRequest request) throws RegistrationException, InterruptedException {
        URI uri = IngestClient.resolve(server, REGISTER_PATH);
        HttpResponse<byte[]> response;
        try {
            HttpRequest httpRequest = HttpRequest.newBuilder(uri)
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "pganalytics-collector/" + request.collectorVersion())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(request)))
                    .build();
            response = http.send(httpRequest, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new RegistrationException("cannot reach " + uri + ": " + e.getMessage(), e);
        }
        int status = response.statusCode();
        if (status != 200 && status != 201) {
            throw new RegistrationException("the server refused the registration: "
                    + ErrorEnvelope.describe(mapper, status, response.body()));
        }
        CollectorIdentity identity;
        try {
            identity = mapper.readValue(response.body(), CollectorIdentity.class);
        } catch (IOException e) {
            throw new RegistrationException("the server's answer is not a collector identity: " + e.getMessage(), e);
        }
        if (identity.collectorId() == null || identity.credential() == null || identity.credential().isBlank()) {
            throw new RegistrationException("the server's answer lacks a collectorId or credential");
        }
        return identity.serverUrl() == null
                ? new CollectorIdentity(identity.collectorId(), identity.credential(), server.toString())
                : identity;
    }
}
