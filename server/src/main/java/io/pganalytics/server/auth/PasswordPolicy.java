package io.pganalytics.server.auth;

import io.pganalytics.common.api.ErrorDetail;

import java.util.Locale;
import java.util.Optional;

/** What a new password must be: long enough, bounded, printable, and not the user name. */
final class PasswordPolicy {
    private final int minLength;
    private final int maxLength;

    PasswordPolicy(int minLength, int maxLength) {
        this.minLength = minLength;
        this.maxLength = maxLength;
    }

    static PasswordPolicy from(AuthConfig config) {
        return new PasswordPolicy(config.passwordMinLength(), config.passwordMaxLength());
    }

    int minLength() {
        return minLength;
    }

    /** The problem with this password for this user, or empty when it is acceptable. */
    Optional<ErrorDetail> check(String field, String password, String username) {
        if (password == null) {
            return Optional.of(new ErrorDetail(field, "is required"));
        }
        int length = password.codePointCount(0, password.length());
        if (length < minLength) {
            return Optional.of(new ErrorDetail(field, "must have at least " + minLength + " characters, has " + length));
        }
        if (length > maxLength) {
            return Optional.of(new ErrorDetail(field, "must have at most " + maxLength + " characters, has " + length));
        }
        if (password.chars().anyMatch(c -> Character.isISOControl(c))) {
            return Optional.of(new ErrorDetail(field, "must not contain control characters"));
        }
        if (password.codePoints().distinct().count() < 4) {
            return Optional.of(new ErrorDetail(field, "must use at least 4 different characters"));
        }
        if (username != null && password.toLowerCase(Locale.ROOT).equals(username.toLowerCase(Locale.ROOT))) {
            return Optional.of(new ErrorDetail(field, "must not be the user name"));
        }
        return Optional.empty();
    }
}
