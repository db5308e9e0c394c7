package io.pganalytics.server.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
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
        routing.error(ApiException.class, (request, response, e) -> send(bodies, request, response, e));
        routing.error(java.io.UncheckedIOException.class, (request, response, e) -> {
            // The client went away or sent a broken stream: nothing of ours to log loudly. A body limit says why itself
            // (ByteLimit's 413); anything else is answered in our words, never the inflater's or the socket's.
            LOG.debug("{} {}: I/O error while reading the request: {}", request.prologue().method().text(), request.path().path(), e.getMessage());
            send(bodies, request, response, apiCause(e).orElseGet(() -> ApiException.malformed(
                    "the request body could not be read: it ended early or is not in the encoding its headers name")));
        });
        routing.error(HttpException.class, (request, response, e) -> {
            // The web server's own refusals (no route for a target such as "*", a bad header): the client's error.
            LOG.debug("{} {}: {} {}", request.prologue().method().text(), request.path().rawPath(), e.status().code(), e.getMessage());
            send(bodies, request, response, fromStatus(e.status()));
        });
        routing.error(RuntimeException.class, (request, response, e) -> {
            if (causedByUnavailableDatabase(e)) {
                // The pool had no connection in time (a burst, or the database is down): a retry may work, so 503.
                LOG.warn("{} {}: the database had no connection free in time: {}", request.prologue().method().text(),
                        request.path().path(), rootMessage(e));
                send(bodies, request, response, ApiException.unavailable("the server is busy: retry shortly", java.time.Duration.ofSeconds(2)));
                return;
            }
            java.util.Optional<io.pganalytics.common.crypto.CryptoException> sealed = cryptoCause(e);
            if (sealed.isPresent()) {
                // A sealed value that does not open (altered, moved to another row, or naming a data key this cluster
                // lacks): the message names the record and its data key, never the value.
                String incident = UUID.randomUUID().toString();
                LOG.error("{} {}: incident {}: a sealed value could not be opened ({}): {}", request.prologue().method().text(),
                        request.path().path(), incident, sealed.get().reason(), sealed.get().getMessage());
                send(bodies, request, response, new ApiException(ErrorType.INTERNAL, "a sealed value could not be opened: " + sealed.get().getMessage()
                        + " (incident " + incident + "; docs/encryption/sealed-data.md)"));
                return;
            }
            unexpected(bodies, request, response, e);
        });
        routing.error(Throwable.class, (request, response, e) -> unexpected(bodies, request, response, e));
    }

    private static void unexpected(JsonBodies bodies, io.helidon.webserver.http.ServerRequest request, ServerResponse response, Throwable e) {
        String incident = UUID.randomUUID().toString();
        LOG.error("{} {}: incident {}: unexpected error", request.prologue().method().text(), request.path().path(), incident, e);
        send(bodies, request, response, new ApiException(ErrorType.INTERNAL,
                "an unexpected error occurred; the server log has the details under incident " + incident));
    }

    private static java.util.Optional<io.pganalytics.common.crypto.CryptoException> cryptoCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof io.pganalytics.common.crypto.CryptoException crypto) {
                return java.util.Optional.of(crypto);
            }
        }
        return java.util.Optional.empty();
    }

    private static java.util.Optional<ApiException> apiCause(Throwable e) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ApiException api) {
                return java.util.Optional.of(api);
            }
        }
        return java.util.Optional.empty();
    }

    /** Whether the failure is a connection the pool could not hand out in time (SQLTransientConnectionException). */
    static boolean causedByUnavailableDatabase(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLTransientConnectionException) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage();
    }

    /**
     * Answers every unmatched {@code /api} request with an envelope instead of the web server's plain text: 405 with
     * {@code Allow} when the path has routes for other methods, else 404.
     */
    public static void registerFallback(HttpRouting.Builder routing, String apiPrefix, RouteCatalog catalog) {
        routing.any(apiPrefix + "/*", (request, response) -> {
            String method = request.prologue().method().text();
            String path = request.path().path();
            java.util.List<String> allowed = catalog.methodsFor(path);
            if (!allowed.isEmpty()) {
                response.header(HeaderNames.ALLOW, String.join(", ", allowed));
                throw new ApiException(ErrorType.METHOD_NOT_ALLOWED, method + " is not allowed on " + path + ": use " + String.join(", ", allowed));
            }
            throw ApiException.notFound("no route for " + method + " " + path);
        });
    }

    private static ApiException fromStatus(Status status) {
        return switch (status.code()) {
            case 401 -> ApiException.unauthenticated("sign in first");
            case 403 -> ApiException.forbidden("this request is not allowed");
            case 404 -> ApiException.notFound("no such resource");
            case 405 -> new ApiException(ErrorType.METHOD_NOT_ALLOWED, "this method is not allowed here");
            case 413 -> ApiException.tooLarge("the request is too large");
            case 415 -> new ApiException(ErrorType.UNSUPPORTED_MEDIA_TYPE, "this content type is not supported");
            case 503 -> ApiException.unavailable("the server cannot serve this now: retry shortly", java.time.Duration.ofSeconds(1));
            default -> status.code() >= 500
                    ? new ApiException(ErrorType.INTERNAL, "the server could not serve this request")
                    : ApiException.malformed("the request is malformed (" + status.code() + " " + status.reasonPhrase() + ")");
        };
    }

    /** The error a request was answered with, left in its context for {@link ApiCalls}. */
    record Outcome(String type, String message) {
    }

    static void send(JsonBodies bodies, io.helidon.webserver.http.ServerRequest request, ServerResponse response, ApiException e) {
        if (response.isSent()) {
            return;
        }
        ErrorType type = e.type();
        request.context().register(Outcome.class, new Outcome(type.wireName(), e.getMessage()));
        e.retryAfter().ifPresent(delay -> response.header(HeaderNames.RETRY_AFTER,
                Long.toString(Math.max(1, (delay.toMillis() + 999) / 1000))));
        if (type == ErrorType.UNAUTHENTICATED) {
            response.header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"pganalytics\"");
        }
        bodies.send(response, Status.create(e.status()), new ApiError(e.status(), type, e.getMessage(), e.details(), e.confirmation().orElse(null)));
    }
}
