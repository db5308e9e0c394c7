package io.pganalytics.server.auth;

import io.pganalytics.common.api.ErrorDetail;
import io.pganalytics.common.auth.Role;
import io.pganalytics.common.auth.UserView;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** The rules a user's fields follow, and the one way a user is shown outside this package. */
final class Users {
    static final int MAX_DISPLAY_NAME = 200;
    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._@-]{3,64}");

    private Users() {
    }

    static boolean isValidUsername(String username) {
        return username != null && USERNAME.matcher(username).matches();
    }

    static Optional<ErrorDetail> checkUsername(String username) {
        if (username == null) {
            return Optional.of(new ErrorDetail("username", "is required"));
        }
        if (!isValidUsername(username)) {
            return Optional.of(new ErrorDetail("username", "must be 3 to 64 characters among letters, digits and . _ @ -"));
        }
        return Optional.empty();
    }

    static Optional<ErrorDetail> checkDisplayName(String displayName) {
        if (displayName == null) {
            return Optional.empty();
        }
        if (displayName.codePointCount(0, displayName.length()) > MAX_DISPLAY_NAME) {
            return Optional.of(new ErrorDetail("displayName", "must have at most " + MAX_DISPLAY_NAME + " characters"));
        }
        if (displayName.chars().anyMatch(Character::isISOControl)) {
            return Optional.of(new ErrorDetail("displayName", "must not contain control characters"));
        }
        return Optional.empty();
    }

    static Optional<ErrorDetail> checkRoles(Set<Role> roles, boolean required) {
        if (roles == null) {
            return required ? Optional.of(new ErrorDetail("roles", "at least one role is required")) : Optional.empty();
        }
        if (roles.stream().anyMatch(java.util.Objects::isNull)) {
            return Optional.of(new ErrorDetail("roles", "must not contain null"));
        }
        if (roles.isEmpty()) {
            return Optional.of(new ErrorDetail("roles", "at least one role is required"));
        }
        return Optional.empty();
    }

    static UserView view(DUser user) {
        return new UserView(user.getId(), user.getUsername(), user.getDisplayName(), RoleNames.fromStored(user.getRoles()),
                user.getSource(), user.isEnabled(), user.getCreatedAt(), user.getLastLoginAt());
    }

    static boolean hasAdmin(List<String> storedRoles) {
        return storedRoles.contains(RoleNames.ADMIN);
    }
}
