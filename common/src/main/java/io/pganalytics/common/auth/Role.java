package io.pganalytics.common.auth;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Collection;
import java.util.Locale;

/**
 * What a person may do. Roles are cumulative where it makes sense: an admin may do everything, an operator
 * everything a viewer may, and an auditor reads the audit trail and may also view (but never change) the fleet.
 */
public enum Role {
    VIEWER,
    OPERATOR,
    AUDITOR,
    ADMIN;

    /** Whether a holder of this role may call a route that requires {@code required}. */
    public boolean grants(Role required) {
        return switch (this) {
            case ADMIN -> true;
            case OPERATOR -> required == OPERATOR || required == VIEWER;
            case AUDITOR -> required == AUDITOR || required == VIEWER;
            case VIEWER -> required == VIEWER;
        };
    }

    public static boolean anyGrants(Collection<Role> held, Role required) {
        for (Role role : held) {
            if (role.grants(required)) {
                return true;
            }
        }
        return false;
    }

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Role fromWireName(String value) {
        for (Role role : values()) {
            if (role.wireName().equals(value)) {
                return role;
            }
        }
        throw new IllegalArgumentException("unknown role '" + value + "': expected one of viewer, operator, auditor, admin");
    }
}
