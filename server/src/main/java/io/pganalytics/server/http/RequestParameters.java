package io.pganalytics.server.http;

import java.time.format.DateTimeParseException;
import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.Instant;
import io.helidon.webserver.http.ServerRequest;

import java.util.Optional;

/** What routes read from a request besides its body: bounded whole-number parameters, the client's address, the base URL. */
public final class RequestParameters {
    private RequestParameters() {
    }

    /** A query parameter as a whole number within [min, max], or the default when absent; a 400 naming it otherwise. */
    public static int intParameter(ServerRequest request, String name, int defaultValue, int min, int max) {
        Optional<String> text = request.query().first(name).asOptional().map(String::trim).filter(s -> !s.isEmpty());
        if (text.isEmpty()) {
            return defaultValue;
        }
        int value;
        try {
            value = Integer.parseInt(text.get());
        } catch (NumberFormatException e) {
            throw ApiException.invalid(name, "must be a whole number from " + min + " to " + max + ", was '" + abbreviate(text.get()) + "'");
        }
        if (value < min || value > max) {
            throw ApiException.invalid(name, "must be from " + min + " to " + max + ", was " + value);
        }
        return value;
    }

    /**
     * The client's address as the server believes it: the TCP peer, or, when the peer is one of
     * {@code http.trusted-proxies}, the address that proxy forwarded ({@link TrustedProxies}).
     */
    public static String clientAddress(ServerRequest request) {
        return ClientInfo.of(request).address();
    }

    /**
     * A query parameter as text, trimmed, or empty when absent or blank. The one way routes read text parameters:
     * {@link RequestScreen} has already refused control characters in every parameter; this checks again, so that a
     * route reached some other way cannot pass a NUL to the database either.
     */
    public static Optional<String> text(ServerRequest request, String name) {
        Optional<String> value = request.query().first(name).asOptional().map(String::trim).filter(s -> !s.isEmpty());
        if (value.isPresent() && hasControlCharacter(value.get())) {
            throw controlCharacter(name);
        }
        return value;
    }

    /** Whether the text holds a C0 control character (NUL included) or DEL, which no parameter of the API accepts. */
    public static boolean hasControlCharacter(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return true;
            }
        }
        return false;
    }

    static ApiException controlCharacter(String name) {
        return ApiException.invalid(abbreviate(name), "must not contain control characters (such as NUL)");
    }

    /**
     * The API's public base URL as configured ({@code http.public-url}), for answers that tell a client where to come
     * back; empty when none is configured. Never built from the request's Host header, which the client chooses.
     */
    public static Optional<String> publicApiUrl(ServerRequest request) {
        return request.context().get(PublicUrl.class, PublicUrl.class).flatMap(PublicUrl::apiUrl);
    }

    /** The configured public URL, put in each request's context by {@link RequestScreen}. */
    record PublicUrl(Optional<String> apiUrl) {
    }

    /** A client-supplied value fit for an error message: at most 40 characters. */
    public static String abbreviate(String text) {
        return text == null ? "" : text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }

    /** A positive whole number, or a 400 naming {@code field}. */
    public static long positive(String field, String text) {
        try {
            long value = Long.parseLong(text.trim());
            if (value >= 1) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiException.invalid(field, "must be a positive whole number, was '" + abbreviate(text) + "'");
    }

    /** An ISO-8601 instant (with or without an offset), or a 400 naming {@code field}. */
    public static Instant instant(String field, String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeException e2) {
                throw ApiException.invalid(field, "must be an ISO-8601 instant such as 2026-11-21T10:00:00Z, was '"
                        + abbreviate(text) + "'");
            }
        }
    }
}
