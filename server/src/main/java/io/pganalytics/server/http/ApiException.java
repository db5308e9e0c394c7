package io.pganalytics.server.http;

import io.pganalytics.common.api.ErrorDetail;
import io.pganalytics.common.api.ErrorType;
import io.pganalytics.common.audit.ConfirmationRequired;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The one exception family of the API: thrown anywhere below a route, mapped to the error envelope in one place
 * ({@link ErrorMapping}). Its message is shown to the client, so it must never carry a secret or an internal detail.
 */
public final class ApiException extends RuntimeException {
    private final ErrorType type;
    private final List<ErrorDetail> details;
    private final Duration retryAfter;
    private final ConfirmationRequired confirmation;
    private final int status;

    public ApiException(ErrorType type, String message, List<ErrorDetail> details, Duration retryAfter) {
        this(type, type.status(), message, details, retryAfter);
    }

    private ApiException(ErrorType type, int status, String message, List<ErrorDetail> details, Duration retryAfter) {
        super(message, null, false, false);
        this.type = type;
        this.status = status;
        this.details = details == null ? List.of() : List.copyOf(details);
        this.retryAfter = retryAfter;
        this.confirmation = null;
    }

    private ApiException(ConfirmationRequired confirmation) {
        super(confirmation.summary() + " Confirm by repeating the request with the header X-Confirmation: <confirmation.token>"
                + " before " + confirmation.expiresAt() + (confirmation.secondFactorNeeded() ? ", after a fresh second factor" : ""),
                null, false, false);
        this.type = ErrorType.CONFIRMATION_REQUIRED;
        this.status = ErrorType.CONFIRMATION_REQUIRED.status();
        this.details = List.of();
        this.retryAfter = null;
        this.confirmation = confirmation;
    }

    /** 428: the action waits for the person's confirmation ({@link ConfirmationRequired}). */
    public static ApiException confirmationRequired(ConfirmationRequired confirmation) {
        return new ApiException(confirmation);
    }

    public ApiException(ErrorType type, String message) {
        this(type, message, List.of(), null);
    }

    public static ApiException malformed(String message) {
        return new ApiException(ErrorType.MALFORMED_REQUEST, message);
    }

    public static ApiException invalid(String field, String problem) {
        return new ApiException(ErrorType.VALIDATION_FAILED, field + ": " + problem, List.of(new ErrorDetail(field, problem)), null);
    }

    public static ApiException invalid(List<ErrorDetail> details) {
        String summary = details.size() == 1
                ? details.getFirst().field() + ": " + details.getFirst().problem()
                : details.size() + " fields are invalid";
        return new ApiException(ErrorType.VALIDATION_FAILED, summary, details, null);
    }

    /**
     * 422 with the type {@code validation_failed}: the request is well formed and valid on its own, but the state it
     * meets cannot satisfy it (a restore to a time no recovery window holds); the message names what would.
     */
    public static ApiException unprocessable(String field, String problem) {
        return new ApiException(ErrorType.VALIDATION_FAILED, 422, field + ": " + problem, List.of(new ErrorDetail(field, problem)), null);
    }

    public static ApiException unauthenticated(String message) {
        return new ApiException(ErrorType.UNAUTHENTICATED, message);
    }

    public static ApiException forbidden(String message) {
        return new ApiException(ErrorType.FORBIDDEN, message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(ErrorType.NOT_FOUND, message);
    }

    public static ApiException conflict(String message) {
        return new ApiException(ErrorType.CONFLICT, message);
    }

    public static ApiException tooLarge(String message) {
        return new ApiException(ErrorType.PAYLOAD_TOO_LARGE, message);
    }

    public static ApiException rateLimited(String message, Duration retryAfter) {
        return new ApiException(ErrorType.RATE_LIMITED, message, List.of(), retryAfter);
    }

    public static ApiException unavailable(String message, Duration retryAfter) {
        return new ApiException(ErrorType.UNAVAILABLE, message, List.of(), retryAfter);
    }

    public ErrorType type() {
        return type;
    }

    /** The HTTP status: the type's own, but for {@link #unprocessable}. */
    public int status() {
        return status;
    }

    public List<ErrorDetail> details() {
        return details;
    }

    public Optional<ConfirmationRequired> confirmation() {
        return Optional.ofNullable(confirmation);
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
