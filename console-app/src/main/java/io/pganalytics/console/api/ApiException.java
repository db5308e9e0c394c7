package io.pganalytics.console.api;

import io.pganalytics.common.api.ApiError;
import io.pganalytics.common.api.ErrorType;
import io.pganalytics.common.audit.ConfirmationRequired;

import java.util.Optional;

/**
 * Every failure of a call to a server, as one human sentence ({@link #getMessage()}) and a {@link Kind} that screens
 * switch on. The cause, if any, is for the log.
 */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public enum Kind {
        /** No answer: the server is down, the address is wrong, or the network is. */
        UNREACHABLE,
        /** The server presented a certificate that is not the one pinned for it. */
        CERTIFICATE_CHANGED,
        /** The server's certificate is not trusted: neither by a certificate authority nor pinned. */
        CERTIFICATE_UNTRUSTED,
        /** The session ended (the refresh token was refused): sign in again. */
        SESSION_EXPIRED,
        /** The server refused the request; {@link #error()} holds its envelope. */
        REJECTED,
        /** The server answered something that is not the API (a wrong URL, a proxy page). */
        PROTOCOL
    }

    private final Kind kind;
    private final transient ApiError error;

    public ApiException(Kind kind, String message, ApiError error, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.error = error;
    }

    public static ApiException unreachable(String server, Throwable cause) {
        String reason = cause == null || cause.getMessage() == null ? cause == null ? "" : cause.getClass().getSimpleName() : cause.getMessage();
        return new ApiException(Kind.UNREACHABLE, "The server " + server + " is unreachable" + (reason.isBlank() ? "." : " (" + reason + ")."), null, cause);
    }

    public static ApiException rejected(ApiError error) {
        return new ApiException(Kind.REJECTED, sentence(error.message()), error, null);
    }

    public static ApiException sessionExpired() {
        return new ApiException(Kind.SESSION_EXPIRED, "Your session expired: please sign in again.", null, null);
    }

    public Kind kind() {
        return kind;
    }

    public Optional<ApiError> error() {
        return Optional.ofNullable(error);
    }

    /**
     * The server wants a fresh second factor before it does this (an admin action): prove one with
     * {@link ConsoleApi#stepUp} and send the request again.
     */
    public boolean stepUpRequired() {
        return is(ErrorType.STEP_UP_REQUIRED);
    }

    /**
     * The server wants this admin action confirmed (428 {@code confirmation_required}): show the person its summary
     * and, once they confirm, send the same request again through {@link AdminApi#confirmed(String)} with its token.
     */
    public Optional<ConfirmationRequired> confirmation() {
        return is(ErrorType.CONFIRMATION_REQUIRED) ? Optional.ofNullable(error.confirmation()) : Optional.empty();
    }

    public boolean is(ErrorType type) {
        return error != null && error.errorType() == type;
    }

    /** The server's messages are lower-case clauses ("wrong username or password"); a screen shows a sentence. */
    static String sentence(String message) {
        if (message == null || message.isBlank()) {
            return "The server refused the request.";
        }
        String trimmed = message.strip();
        String capital = Character.toUpperCase(trimmed.charAt(0)) + trimmed.substring(1);
        return capital.endsWith(".") || capital.endsWith("!") || capital.endsWith("?") ? capital : capital + ".";
    }
}
