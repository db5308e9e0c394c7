package io.pganalytics.server.auth;

import io.pganalytics.common.auth.Role;

import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Roles as stored in {@code auth_user.roles}: their wire names, in a stable order. */
final class RoleNames {
    static final String ADMIN = Role.ADMIN.wireName();

    private RoleNames() {
    }

    static List<String> toStored(Collection<Role> roles) {
        EnumSet<Role> sorted = EnumSet.noneOf(Role.class);
        sorted.addAll(roles);
        return sorted.stream().map(Role::wireName).toList();
    }

    /** Unknown names (none can be stored: a check constraint lists them) are skipped rather than failing a login. */
    static Set<Role> fromStored(Collection<String> names) {
        EnumSet<Role> roles = EnumSet.noneOf(Role.class);
        for (String name : names) {
            for (Role role : Role.values()) {
                if (role.wireName().equals(name)) {
                    roles.add(role);
                }
            }
        }
        return roles;
    }
}
