package io.pganalytics.server.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerResponse;
import io.pganalytics.common.api.ApiError;
import io.pganalytics.common.api.ErrorType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;

/**
 * The one place where exceptions become HTTP responses. An {@link ApiException} becomes its envelope; anything else
 * is a fault of ours: logged once with an incident id, answered with that id and nothing of its internals.
 */
public final class ErrorMapping {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapping.class);

    private ErrorMapping() {
    }

    public static void register(HttpRouting.Builder routing, JsonBodies bodies) {
        routing.error(ApiException.class, (request, response, e) -> send(bodies, response, e));
        routing.error(java.io.UncheckedIOException.class, (request, response, e) -> {
            // The client went away or sent a broken stream: nothing of ours to log loudly.
            LOG.debug("{} {}: I/O error while reading the request: {}", request.prologue().method().text(), request.path().path(), e.getMessage());
            send(bodies, response, ApiException.malformed("the request body could not be read: " + e.getCause().getMessage()));
        });
        routing.error(Throwable.class, (request, response, e) -> {
            String incident = UUID.randomUUID().toString();
            LOG.error("{} {}: incident {}: unexpected error", request.prologue().method().text(), request.path().path(), incident, e);
            send(bodies, response, new ApiException(ErrorType.INTERNAL,
                    "an unexpected error occurred; the server log has the details under incident " + incident));
        });
    }

    /** Answers every unmatched {@code /api} path with a 404 envelope instead of the web server's plain text. */
    public static void registerFallback(HttpRouting.Builder routing, String apiPrefix) {
        routing.any(apiPrefix + "/*", (request, response) -> {
            throw ApiException.notFound("no route for " + request.prologue().method().text() + " " + request.path().path());
        });
    }

    static void send(JsonBodies bodies, ServerResponse response, ApiException e) {
        if (response.isSent()) {
            return;
        }
        ErrorType type = e.type();
        e.retryAfter().ifPresent(delay -> response.header(HeaderNames.RETRY_AFTER,
                Long.toString(Math.max(1, (delay.toMillis() + 999) / 1000))));
        if (type == ErrorType.UNAUTHENTICATED) {
            response.header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"pganalytics\"");
        }
        bodies.send(response, Status.create(type.status()), new ApiError(type.status(), type, e.getMessage(), e.details()));
    }
}
