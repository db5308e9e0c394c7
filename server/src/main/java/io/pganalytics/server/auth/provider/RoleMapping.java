package io.pganalytics.server.auth.provider;

import io.pganalytics.common.auth.Role;

import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How an identity provider's groups, token claims or SAML attributes become roles: every rule whose attribute holds
 * its value grants its role; when no rule matches, the default role is granted, or, when there is none, the sign-in is
 * refused. Values are compared without regard to case (directory group DNs are case-insensitive; claim values that
 * differ only in case are not worth a second rule).
 *
 * @param rules       the rules, in any order: the roles they grant add up
 * @param defaultRole the role of a person no rule matches, or null to refuse them
 */
public record RoleMapping(List<Rule> rules, Role defaultRole) {
    /** The attribute an LDAP provider fills with the DNs (and common names) of the user's groups. */
    public static final String GROUPS = "groups";

    public RoleMapping {
        rules = List.copyOf(Objects.requireNonNull(rules, "rules"));
    }

    /** A mapping that refuses everyone: a provider must be given rules or a default role before anyone gets in. */
    public static RoleMapping refuseAll() {
        return new RoleMapping(List.of(), null);
    }

    /**
     * The roles of a person whose provider reported {@code attributes} (attribute name to its values), or empty when
     * the mapping refuses them.
     */
    public Optional<Set<Role>> rolesFor(Map<String, ? extends Collection<String>> attributes) {
        EnumSet<Role> granted = EnumSet.noneOf(Role.class);
        for (Rule rule : rules) {
            Collection<String> values = attributes.get(rule.attribute());
            if (values != null && values.stream().anyMatch(v -> v != null && v.equalsIgnoreCase(rule.value()))) {
                granted.add(rule.role());
            }
        }
        if (granted.isEmpty() && defaultRole != null) {
            granted.add(defaultRole);
        }
        return granted.isEmpty() ? Optional.empty() : Optional.of(Set.copyOf(granted));
    }

    /**
     * One rule: a person whose {@code attribute} holds {@code value} gets {@code role}.
     *
     * @param attribute {@link #GROUPS} for directory groups, else a token claim or SAML attribute name
     * @param value     the group's DN or name, or the claim's value
     * @param role      the role granted
     */
    public record Rule(String attribute, String value, Role role) {
        public Rule {
            Objects.requireNonNull(attribute, "attribute");
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(role, "role");
            if (attribute.isBlank() || value.isBlank()) {
                throw new IllegalArgumentException("a role-mapping rule needs an attribute and a value");
            }
            attribute = attribute.strip();
            value = value.strip();
        }

        @Override
        public String toString() {
            return attribute + "=" + value + " -> " + role.wireName().toLowerCase(Locale.ROOT);
        }
    }
}
