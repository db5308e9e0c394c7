package io.pganalytics.server.collectors;

import io.pganalytics.common.api.ErrorDetail;

import java.util.List;
import java.util.Optional;

/** The bounds on what callers may send this feature, checked in one place. */
final class Inputs {
    static final int MAX_NAME = 200;
    static final int MAX_HOSTNAME = 255;
    static final int MAX_VERSION = 64;
    static final int MAX_NOTE = 500;

    private Inputs() {
    }

    /** Checks an optional text field: at most {@code max} characters, not blank if present, no control characters. */
    static void check(String field, String value, int max, List<ErrorDetail> problems) {
        problem(field, value, max).ifPresent(problems::add);
    }

    private static Optional<ErrorDetail> problem(String field, String value, int max) {
        if (value == null) {
            return Optional.empty();
        }
        if (value.isBlank()) {
            return Optional.of(new ErrorDetail(field, "must not be blank; leave it out instead"));
        }
        if (value.length() > max) {
            return Optional.of(new ErrorDetail(field, "must be at most " + max + " characters, was " + value.length()));
        }
        if (value.chars().anyMatch(Character::isISOControl)) {
            return Optional.of(new ErrorDetail(field, "must not contain control characters"));
        }
        return Optional.empty();
    }

    /** The text trimmed, or null. */
    static String trimmed(String value) {
        return value == null ? null : value.strip();
    }
}
