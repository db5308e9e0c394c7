package io.pganalytics.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderValues;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.pganalytics.common.api.ApiError;
import io.pganalytics.common.api.ErrorType;

import java.nio.charset.StandardCharsets;

/**
 * Errors the web server detects before any route runs (a malformed request line, an unsupported content encoding,
 * an entity too large) answer with the same JSON envelope as everything else, not the server's plain text.
 */
public final class EnvelopeDirectHandler implements DirectHandler {
    private final ObjectMapper mapper;
    private final SecurityHeaders securityHeaders;

    public EnvelopeDirectHandler(ObjectMapper mapper, SecurityHeaders securityHeaders) {
        this.mapper = mapper;
        this.securityHeaders = securityHeaders;
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status status,
                                    ServerResponseHeaders headers, String message) {
        String text = message == null || message.isBlank() ? status.reasonPhrase() : message;
        ErrorType type = type(status, message);
        if (status.code() == 505) {
            text = "this HTTP version is not supported: use HTTP/1.1";
        }
        java.util.Optional<String> encoding = request.headers().first(io.helidon.http.HeaderNames.CONTENT_ENCODING);
        if (status.code() == 400 && encoding.isPresent()
                && !java.util.Set.of("gzip", "x-gzip", "identity").contains(encoding.get().trim().toLowerCase(java.util.Locale.ROOT))) {
            type = ErrorType.UNSUPPORTED_MEDIA_TYPE;
            text = "Content-Encoding '" + encoding.get() + "' is not supported: send gzip or no Content-Encoding";
        }
        byte[] body;
        try {
            body = mapper.writeValueAsBytes(new ApiError(status.code() == 505 ? 505 : type.status(), type, text, java.util.List.of()));
        } catch (JsonProcessingException e) {
            body = text.getBytes(StandardCharsets.UTF_8);
        }
        headers.set(HeaderValues.CONTENT_TYPE_JSON);
        securityHeaders.apply(headers);
        // 505 (HTTP/1.0) keeps its own code; anything else ours says 500 for would make the web server log a stack trace.
        int code = status.code() == 505 ? 505 : type.status();
        return TransportResponse.builder()
                .status(Status.create(code))
                .headers(headers)
                .entity(body)
                .build();
    }

    private static ErrorType type(Status status, String message) {
        if (message != null && message.startsWith("Unsupported content encoding")) {
            return ErrorType.UNSUPPORTED_MEDIA_TYPE;
        }
        return switch (status.code()) {
            case 400 -> ErrorType.MALFORMED_REQUEST;
            case 403 -> ErrorType.FORBIDDEN;
            case 404 -> ErrorType.NOT_FOUND;
            case 405 -> ErrorType.METHOD_NOT_ALLOWED;
            case 413 -> ErrorType.PAYLOAD_TOO_LARGE;
            case 415 -> ErrorType.UNSUPPORTED_MEDIA_TYPE;
            case 429 -> ErrorType.RATE_LIMITED;
            case 503 -> ErrorType.UNAVAILABLE;
            case 505 -> ErrorType.MALFORMED_REQUEST;
            default -> status.code() >= 500 ? ErrorType.INTERNAL : ErrorType.MALFORMED_REQUEST;
        };
    }
}
