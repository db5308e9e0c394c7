package io.pganalytics.server.auth.provider;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pganalytics.common.api.ErrorDetail;
import io.pganalytics.common.auth.IdentityProviderView;
import io.pganalytics.common.auth.RoleMappingView;
import io.pganalytics.server.crypto.SealedColumn;
import io.pganalytics.server.crypto.Sealer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The rules a provider definition's fields follow (the same for the configuration file and the admin API), and the
 * conversions between its stored, wire and live forms.
 */
final class Definitions {
    static final String LOCAL = "local";
    static final int MAX_DISPLAY_NAME = 200;
    static final int MAX_RULES = 500;
    static final int MAX_RULE_TEXT = 1024;
    static final int MAX_SECRETS = 32;
    static final int MAX_SECRET_KEY = 64;
    static final int MAX_SECRET_VALUE = 64 * 1024;
    static final int MAX_SETTINGS_JSON = 256 * 1024;
    private static final Pattern NAME = Pattern.compile("[a-z0-9-]{2,32}");
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_SECRET_KEY + "}");
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };
    private static final TypeReference<Map<String, String>> STRINGS = new TypeReference<>() {
    };

    /** Where a provider's secrets are sealed, as one JSON object per row (row key: the provider's name). */
    static final SealedColumn SECRETS = new SealedColumn("auth_identity_provider", "secrets_sealed", "name",
            "identity-provider secrets (LDAP bind passwords, OIDC client secrets, SAML key passwords)");

    private final ObjectMapper mapper;
    private final Sealer sealer;

    Definitions(ObjectMapper mapper, Sealer sealer) {
        this.mapper = mapper;
        this.sealer = sealer;
    }

    static Optional<String> checkName(String name) {
        if (name == null || name.isEmpty()) {
            return Optional.of("is required");
        }
        if (!NAME.matcher(name).matches()) {
            return Optional.of("must be 2 to 32 characters among a-z, 0-9 and '-'");
        }
        if (name.equals(LOCAL)) {
            return Optional.of("'local' is the server's own users: choose another name");
        }
        return Optional.empty();
    }

    static Optional<String> checkDisplayName(String displayName) {
        if (displayName == null) {
            return Optional.empty();
        }
        if (displayName.codePointCount(0, displayName.length()) > MAX_DISPLAY_NAME) {
            return Optional.of("must have at most " + MAX_DISPLAY_NAME + " characters");
        }
        if (displayName.chars().anyMatch(Character::isISOControl)) {
            return Optional.of("must not contain control characters");
        }
        return Optional.empty();
    }

    /** The problems of a role mapping, each naming its field under {@code field}. */
    static List<ErrorDetail> checkMapping(RoleMappingView mapping, String field) {
        List<ErrorDetail> problems = new ArrayList<>();
        if (mapping == null) {
            problems.add(new ErrorDetail(field, "is required: rules and a defaultRole, or rules with no defaultRole to refuse "
                    + "everyone no rule matches"));
            return problems;
        }
        List<RoleMappingView.Rule> rules = mapping.rules() == null ? List.of() : mapping.rules();
        if (rules.size() > MAX_RULES) {
            problems.add(new ErrorDetail(field + ".rules", "must have at most " + MAX_RULES + " rules"));
            return problems;
        }
        for (int i = 0; i < rules.size(); i++) {
            RoleMappingView.Rule rule = rules.get(i);
            String at = field + ".rules[" + i + "]";
            if (rule == null) {
                problems.add(new ErrorDetail(at, "must not be null"));
                continue;
            }
            checkRuleText(rule.attribute(), at + ".attribute").ifPresent(problems::add);
            checkRuleText(rule.value(), at + ".value").ifPresent(problems::add);
            if (rule.role() == null) {
                problems.add(new ErrorDetail(at + ".role", "is required: one of viewer, operator, auditor, admin"));
            }
        }
        if (rules.isEmpty() && mapping.defaultRole() == null) {
            problems.add(new ErrorDetail(field, "grants nothing: give rules or a defaultRole"));
        }
        return problems;
    }

    private static Optional<ErrorDetail> checkRuleText(String text, String field) {
        if (text == null || text.isBlank()) {
            return Optional.of(new ErrorDetail(field, "is required"));
        }
        if (text.length() > MAX_RULE_TEXT) {
            return Optional.of(new ErrorDetail(field, "must have at most " + MAX_RULE_TEXT + " characters"));
        }
        if (text.chars().anyMatch(Character::isISOControl)) {
            return Optional.of(new ErrorDetail(field, "must not contain control characters"));
        }
        return Optional.empty();
    }

    /** The problems of a set of secrets ({@code ""} values allowed: they remove a secret on an update). */
    static List<ErrorDetail> checkSecrets(Map<String, String> secrets) {
        List<ErrorDetail> problems = new ArrayList<>();
        if (secrets == null) {
            return problems;
        }
        if (secrets.size() > MAX_SECRETS) {
            problems.add(new ErrorDetail("secrets", "must have at most " + MAX_SECRETS + " entries"));
            return problems;
        }
        secrets.forEach((key, value) -> {
            if (key == null || !KEY.matcher(key).matches()) {
                problems.add(new ErrorDetail("secrets", "a secret's name must be 1 to " + MAX_SECRET_KEY
                        + " characters among letters, digits and . _ -"));
            } else if (value == null) {
                problems.add(new ErrorDetail("secrets." + key, "must be a string (\"\" removes it)"));
            } else if (value.length() > MAX_SECRET_VALUE) {
                problems.add(new ErrorDetail("secrets." + key, "must have at most " + MAX_SECRET_VALUE + " characters"));
            }
        });
        return problems;
    }

    static RoleMapping mapping(RoleMappingView view) {
        List<RoleMapping.Rule> rules = new ArrayList<>();
        if (view.rules() != null) {
            view.rules().forEach(rule -> rules.add(new RoleMapping.Rule(rule.attribute(), rule.value(), rule.role())));
        }
        return new RoleMapping(rules, view.defaultRole());
    }

    static RoleMappingView view(RoleMapping mapping) {
        return new RoleMappingView(mapping.rules().stream()
                .map(rule -> new RoleMappingView.Rule(rule.attribute(), rule.value(), rule.role())).toList(),
                mapping.defaultRole());
    }

    ProviderDefinition definition(DIdentityProvider row) {
        return new ProviderDefinition(row.getName(), row.getKind(), row.getDisplayName(), row.isEnabled(), settings(row),
                secrets(row), mapping(read(row.getRoleMapping(), RoleMappingView.class)));
    }

    IdentityProviderView view(DIdentityProvider row) {
        return new IdentityProviderView(row.getName(), row.getKind(), row.getDisplayName(), row.isEnabled(), row.getOrigin(),
                settings(row), List.copyOf(new TreeSet<>(secrets(row).keySet())), read(row.getRoleMapping(), RoleMappingView.class),
                row.getCreatedAt(), row.getUpdatedAt(), row.getVersion());
    }

    Map<String, Object> settings(DIdentityProvider row) {
        return read(row.getSettings(), OBJECT);
    }

    /**
     * The provider's secrets, opened from {@code secrets_sealed}.
     *
     * @throws io.pganalytics.common.crypto.CryptoException naming the row when the sealed value was altered, moved
     *                                                      from another provider or names a data key this cluster lacks
     */
    Map<String, String> secrets(DIdentityProvider row) {
        if (row.getSecretsSealed() == null) {
            return read(row.getSecrets(), STRINGS); // a row of an earlier version not yet sealed (sealed at start)
        }
        return read(sealer.openText(SECRETS.context(row.getName()), row.getSecretsSealed()), STRINGS);
    }

    /** Stores {@code secrets} sealed for the row's provider name (set the name first); the jsonb column keeps {@code {}}. */
    void putSecrets(DIdentityProvider row, Map<String, String> secrets) {
        row.setSecretsSealed(seal(row.getName(), json(secrets)));
        row.setSecrets("{}");
    }

    /** Seals a provider's secrets, given as a JSON object's text. */
    byte[] seal(String name, String secretsJson) {
        return sealer.sealText(SECRETS.context(name), secretsJson);
    }

    String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an identity provider's JSON: " + e.getOriginalMessage(), e);
        }
    }

    private <T> T read(String json, Class<T> type) {
        try {
            return mapper.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored identity provider's JSON is unreadable: " + e.getOriginalMessage(), e);
        }
    }

    private <T> T read(String json, TypeReference<T> type) {
        try {
            return mapper.readValue(json, type);
        } catch (JsonProcessingException e) {
            // Never the text itself: it may be the secrets.
            throw new IllegalStateException("a stored identity provider's JSON is unreadable at line " + (e.getLocation() == null ? "?" : e.getLocation().getLineNr()), e);
        }
    }
}
