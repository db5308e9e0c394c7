package io.pganalytics.console.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An identity provider as {@code GET /api/v1/admin/identity-providers} shows it to an admin: never a secret, only
 * the names of the secrets that are set.
 *
 * @param origin {@code configuration} (read-only here) or {@code api}
 */
public record IdentityProviderEntry(String name, String kind, String displayName, boolean enabled, String origin,
                                    Map<String, Object> settings, List<String> secretsSet, RoleMappingEntry roleMapping,
                                    Instant createdAt, Instant updatedAt, long version) {
    public IdentityProviderEntry {
        settings = settings == null ? Map.of() : settings;
        secretsSet = secretsSet == null ? List.of() : List.copyOf(secretsSet);
    }

    public boolean fromConfiguration() {
        return "configuration".equals(origin);
    }

    /** How directory groups, claims or attributes become roles. {@code defaultRole} null: refuse when nothing maps. */
    public record RoleMappingEntry(List<Rule> rules, String defaultRole) {
        public RoleMappingEntry {
            rules = rules == null ? List.of() : List.copyOf(rules);
        }
    }

    public record Rule(String attribute, String value, String role) {
    }

    /**
     * {@code POST} or {@code PUT /api/v1/admin/identity-providers[/{name}]}. On PUT an omitted secret keeps its value
     * and "" removes it.
     */
    public record Request(String name, String kind, String displayName, boolean enabled, Map<String, Object> settings,
                          Map<String, String> secrets, RoleMappingEntry roleMapping) {
        @Override
        public String toString() {
            return "Request[name=" + name + ", kind=" + kind + ", enabled=" + enabled + ", secrets=" + (secrets == null ? "none" : secrets.keySet()) + "]";
        }
    }

    /** {@code POST /api/v1/admin/identity-providers/{name}/test}. */
    public record TestResult(boolean ok, String message) {
    }
}
