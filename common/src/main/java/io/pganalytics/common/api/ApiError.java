package io.pganalytics.common.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.pganalytics.common.audit.ConfirmationRequired;

import java.util.List;

/**
 * The one error envelope every API error response carries.
 *
 * @param status       the HTTP status, repeated so that logs and clients need only the body
 * @param errorType    the machine-readable type from a closed set
 * @param message      one human sentence naming the thing and its state
 * @param details      per-field problems, possibly empty, never null
 * @param confirmation with {@link ErrorType#CONFIRMATION_REQUIRED} only: the token to confirm the action with
 */
public record ApiError(int status, ErrorType errorType, String message, List<ErrorDetail> details,
                       @JsonInclude(JsonInclude.Include.NON_NULL) ConfirmationRequired confirmation) {
    public ApiError {
        details = details == null ? List.of() : List.copyOf(details);
    }

    public ApiError(int status, ErrorType errorType, String message, List<ErrorDetail> details) {
        this(status, errorType, message, details, null);
    }

    public static ApiError of(ErrorType type, String message) {
        return new ApiError(type.status(), type, message, List.of());
    }
}
