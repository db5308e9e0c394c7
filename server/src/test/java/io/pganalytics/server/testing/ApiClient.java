package io.pganalytics.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.server.PgAnalyticsServer;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;

/**
 * A real HTTPS client for one server node, trusting exactly that node's certificate (no trust-all).
 * <p>
 * Like a person clicking "Confirm" in the console, it answers a 428 {@code confirmation_required} by repeating the
 * request once with the token it was given ({@code X-Confirmation}), so that tests of other behaviour can call
 * confirmed admin routes plainly; {@link #withoutConfirming()} gives one that shows the 428 itself.
 */
public final class ApiClient {
    private final HttpClient http;
    private final String baseUrl;
    private final boolean confirming;
    private final ObjectMapper mapper = JsonMapping.newMapper();

    public ApiClient(PgAnalyticsServer server) {
        this.baseUrl = server.apiUrl();
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        server.tls().ifPresent(tls -> builder.sslContext(trusting(tls.leaf())));
        this.http = builder.build();
        this.confirming = true;
    }

    private ApiClient(HttpClient http, String baseUrl, boolean confirming) {
        this.http = http;
        this.baseUrl = baseUrl;
        this.confirming = confirming;
    }

    /** The same client, answering confirmation requests itself no more: a test of the confirmation sees the 428. */
    public ApiClient withoutConfirming() {
        return new ApiClient(http, baseUrl, false);
    }

    public record Response(int status, String body, HttpResponse<String> raw) {
        public JsonNode json() {
            try {
                return JsonMapping.newMapper().readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        public Optional<String> header(String name) {
            return raw.headers().firstValue(name);
        }
    }

    public Response get(String path, String token) {
        return send(request(path, token).GET().build());
    }

    public Response delete(String path, String token) {
        return send(request(path, token).DELETE().build());
    }

    public Response post(String path, String token, String json) {
        return send(request(path, token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    public Response post(String path, String token, Object body) {
        return post(path, token, toJson(body));
    }

    public Response put(String path, String token, String json) {
        return send(request(path, token).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    public Response patch(String path, String token, String json) {
        return send(request(path, token).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json)).build());
    }

    public Response send(HttpRequest request) {
        Response response = sendOnce(request);
        if (confirming && response.status() == 428 && request.headers().firstValue("X-Confirmation").isEmpty()) {
            JsonNode confirmation = response.json().path("confirmation");
            if (confirmation.hasNonNull("token")) {
                return sendOnce(HttpRequest.newBuilder(request, (name, value) -> true)
                        .header("X-Confirmation", confirmation.get("token").asText()).build());
            }
        }
        return response;
    }

    private Response sendOnce(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body(), response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends with any body handler (a streaming one for server-sent events), returning once the headers arrived. */
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A viewer's access token: creates the user (as admin) and logs in. */
    public String loginNewViewer(String username) {
        String admin = loginAdmin();
        Response created = post("/users", admin, "{\"username\":" + quote(username) + ",\"password\":" + quote(TestServers.ADMIN_PASSWORD)
                + ",\"roles\":[\"viewer\"]}");
        if (created.status() != 201) {
            throw new AssertionError("creating viewer " + username + " failed: " + created.status() + " " + created.body());
        }
        return login(username, TestServers.ADMIN_PASSWORD);
    }

    public HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    /** Logs in and returns the access token. */
    public String login(String username, String password) {
        Response response = post("/auth/login", null, "{\"username\":" + quote(username) + ",\"password\":" + quote(password) + "}");
        if (response.status() != 200) {
            throw new AssertionError("login as " + username + " failed: " + response.status() + " " + response.body());
        }
        return response.json().get("accessToken").asText();
    }

    public String loginAdmin() {
        return login("admin", TestServers.ADMIN_PASSWORD);
    }

    public String toJson(Object body) {
        try {
            return mapper.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String quote(String value) {
        return toJson(value);
    }

    public static SSLContext trusting(X509Certificate certificate) {
        try {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("server", certificate);
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
