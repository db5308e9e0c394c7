package io.pganalytics.common.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/**
 * The closed set of error types an API response can carry, each with the one HTTP status it maps to.
 * Clients switch on the type, never on the message text.
 */
public enum ErrorType {
    /** The body or a parameter could not be read at all: malformed JSON, a wrong type, an unknown field. */
    MALFORMED_REQUEST(400),
    /** The request was readable but a value breaks a rule; {@code details} names each field. */
    VALIDATION_FAILED(400),
    /** No valid credentials: missing, expired, revoked or wrong. */
    UNAUTHENTICATED(401),
    /** Authenticated, but the caller's roles do not allow this. */
    FORBIDDEN(403),
    /**
     * Authenticated and allowed, but this action needs a fresh second factor: prove one with
     * {@code POST /api/v1/auth/mfa/step-up}, then repeat the request with the new access token.
     */
    STEP_UP_REQUIRED(403),
    NOT_FOUND(404),
    METHOD_NOT_ALLOWED(405),
    /** The request conflicts with the current state (a duplicate name, a token already used). */
    CONFLICT(409),
    PAYLOAD_TOO_LARGE(413),
    /**
     * A destructive or security-relevant admin action waits for the person's explicit confirmation: the envelope's
     * {@code confirmation} holds a single-use token to repeat the request with ({@code X-Confirmation}).
     */
    CONFIRMATION_REQUIRED(428),
    UNSUPPORTED_MEDIA_TYPE(415),
    /** Too many requests; the response carries Retry-After. */
    RATE_LIMITED(429),
    /** An unexpected fault in the server; the details are in the server's log, never in the response. */
    INTERNAL(500),
    /** A dependency (the database, the cluster) is unavailable or the node is draining; retry later. */
    UNAVAILABLE(503);

    private final int status;

    ErrorType(int status) {
        this.status = status;
    }

    public int status() {
        return status;
    }

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static ErrorType fromWireName(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
