package io.pganalytics.common.auth;

import java.util.List;

/**
 * How an identity provider's groups, claims or attributes become roles, as the admin API reads and writes it. Every
 * rule whose attribute holds its value (compared without regard to case) grants its role, and the roles add up; when
 * no rule matches, {@code defaultRole} is granted, or, when it is null, the sign-in is refused.
 *
 * @param rules       the rules; an empty list grants only the default role
 * @param defaultRole the role of a person no rule matches, or null to refuse them
 */
public record RoleMappingView(List<Rule> rules, Role defaultRole) {
    /**
     * @param attribute {@code groups} for directory groups (LDAP), else a token claim (OIDC) or SAML attribute name
     * @param value     the group's DN or name, or the claim's or attribute's value
     * @param role      the role granted
     */
    public record Rule(String attribute, String value, Role role) {
    }
}
