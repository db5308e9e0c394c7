package io.pganalytics.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** The HTTP client and the API's base URL, trusting the server as the operator said (or as the runtime file says). */
public record ServerConnection(HttpClient http, URI api) {
    /**
     * @param server  the API's URL as the operator gave it; empty: the one in {@code <data-dir>/runtime.json}
     * @param caFile  certificates to trust; empty: the node's certificate fingerprint in the runtime file, else the JDK's
     * @param dataDir the data directory of a node on this host
     */
    public static ServerConnection open(Optional<URI> server, Optional<Path> caFile, Path dataDir, ObjectMapper mapper) throws IOException {
        Path runtime = dataDir.resolve("runtime.json");
        JsonNode file = Files.isReadable(runtime) ? mapper.readTree(runtime.toFile()) : null;
        URI api;
        if (server.isPresent()) {
            api = server.get();
        } else if (file != null && file.hasNonNull("apiUrl")) {
            api = URI.create(file.get("apiUrl").asText());
        } else {
            throw new IOException("no --server given and no running node's " + runtime + ": name the API with --server https://host:8443/api/v1");
        }
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1);
        if (caFile.isPresent()) {
            builder.sslContext(ServerTrust.caFile(caFile.get()));
        } else if (file != null && file.hasNonNull("certificateSha256") && file.hasNonNull("apiUrl")
                && URI.create(file.get("apiUrl").asText()).getPort() == api.getPort()) {
            builder.sslContext(ServerTrust.fingerprint(file.get("certificateSha256").asText()));
        }
        return new ServerConnection(builder.build(), api);
    }

    public HttpResponse<String> send(String method, String path, String token, String body) throws IOException, InterruptedException {
        return send(method, path, token, body, null);
    }

    /** As {@link #send(String, String, String, String)}, confirming an admin action with {@code confirmation} when given. */
    public HttpResponse<String> send(String method, String path, String token, String body, String confirmation)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofMinutes(2))
                .header("Accept", "application/json");
        if (confirmation != null) {
            request.header("X-Confirmation", confirmation);
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
