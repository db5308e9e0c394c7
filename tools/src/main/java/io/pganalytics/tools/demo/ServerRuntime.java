package io.pganalytics.tools.demo;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.pganalytics.common.json.JsonMapping;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The server's {@code <data-dir>/runtime.json} (docs/SERVER.md): how to reach a running server from this host.
 *
 * @param apiUrl               the API's base URL ({@code https://127.0.0.1:P/api/v1})
 * @param adminUrl             the admin listener (health, metrics)
 * @param pid                  the server's process id
 * @param certificateSha256    the API certificate's SHA-256 fingerprint, colon hex; null without TLS
 * @param embeddedPostgresPort the embedded PostgreSQL's port; null with an external database
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record ServerRuntime(String apiUrl, String adminUrl, long pid, String certificateSha256, Integer embeddedPostgresPort) {
    static final String API_PREFIX = "/api/v1";

    static Optional<ServerRuntime> read(Path file) {
        try {
            return Optional.of(JsonMapping.newMapper().readValue(file.toFile(), ServerRuntime.class));
        } catch (IOException e) {
            return Optional.empty(); // absent, or being replaced: the caller polls
        }
    }

    /** The server's base URL as collectors take it (the API URL without {@value #API_PREFIX}). */
    URI serverUrl() {
        return URI.create(apiUrl.endsWith(API_PREFIX) ? apiUrl.substring(0, apiUrl.length() - API_PREFIX.length()) : apiUrl);
    }

    boolean processAlive() {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
