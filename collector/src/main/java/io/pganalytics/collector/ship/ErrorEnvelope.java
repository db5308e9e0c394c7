package io.pganalytics.collector.ship;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pganalytics.common.api.ApiError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Reads the server's error envelope from an error response, for a log line or a message to the operator. */
public final class ErrorEnvelope {
    private static final int MAX_RAW_CHARS = 200;

    private ErrorEnvelope() {
    }

    /** "HTTP 400 validation_failed: the message (field: problem)", or the start of the raw body when it is no envelope. */
    public static String describe(ObjectMapper mapper, int status, byte[] body) {
        if (body == null || body.length == 0) {
            return "HTTP " + status;
        }
        try {
            ApiError error = mapper.readValue(body, ApiError.class);
            StringBuilder text = new StringBuilder("HTTP ").append(status).append(' ')
                    .append(error.errorType() == null ? "" : error.errorType().wireName()).append(": ")
                    .append(error.message());
            error.details().forEach(d -> text.append(" (").append(d.field()).append(": ").append(d.problem()).append(')'));
            return text.toString();
        } catch (IOException | RuntimeException e) {
            String raw = new String(body, StandardCharsets.UTF_8).strip();
            return "HTTP " + status + ": " + (raw.length() > MAX_RAW_CHARS ? raw.substring(0, MAX_RAW_CHARS) + "..." : raw);
        }
    }
}
