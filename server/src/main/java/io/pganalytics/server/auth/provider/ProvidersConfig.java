package io.pganalytics.server.auth.provider;

import io.helidon.config.Config;
import io.pganalytics.common.api.ErrorDetail;
import io.pganalytics.common.auth.Role;
import io.pganalytics.common.auth.RoleMappingView;
import io.pganalytics.server.config.ConfigException;
import io.pganalytics.server.config.Settings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code auth.providers} list: identity providers defined in the configuration file. Each item has {@code name},
 * {@code kind}, {@code display-name}, {@code enabled}, {@code settings} (the kind's own keys, checked by the kind),
 * {@code secrets} (each given as {@code <secret>: value} or, to keep it out of the file, as
 * {@code <secret>-file: path} of a file holding it, as {@code database.password-file} does) and {@code role-mapping}
 * ({@code rules} of {@code attribute}, {@code value}, {@code role}, and {@code default-role}, none to refuse).
 *
 * @param providers the definitions, each with its configuration key ({@code auth.providers.0})
 */
public record ProvidersConfig(List<Configured> providers) {
    public ProvidersConfig {
        providers = List.copyOf(providers);
    }

    /** A provider of the configuration file and its key, for messages. */
    public record Configured(String key, ProviderDefinition definition) {
    }

    public static ProvidersConfig none() {
        return new ProvidersConfig(List.of());
    }

    /** Reads {@code providers} under the {@code auth} node; a bad value names its key. */
    public static ProvidersConfig from(Config auth) {
        List<Configured> providers = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Config item : Settings.items(auth, "providers")) {
            String key = item.key().toString();
            String name = Settings.optionalString(item, "name").orElse(null);
            Definitions.checkName(name).ifPresent(problem -> {
                throw Settings.problem(item, "name", problem);
            });
            if (!names.add(name)) {
                throw Settings.problem(item, "name", "'" + name + "' is defined twice in auth.providers");
            }
            String kind = Settings.optionalString(item, "kind")
                    .orElseThrow(() -> Settings.problem(item, "kind", "is required (ldap, oidc or saml)"));
            String displayName = Settings.string(item, "display-name", name);
            Definitions.checkDisplayName(displayName).ifPresent(problem -> {
                throw Settings.problem(item, "display-name", problem);
            });
            boolean enabled = Settings.bool(item, "enabled", true);
            Map<String, Object> settings = values(Settings.section(item, "settings"));
            Map<String, String> secrets = secrets(item);
            RoleMappingView mapping = mapping(item);
            providers.add(new Configured(key, new ProviderDefinition(name, kind, displayName, enabled, settings, secrets,
                    Definitions.mapping(mapping))));
        }
        return new ProvidersConfig(providers);
    }

    private static Map<String, String> secrets(Config item) {
        Config node = Settings.section(item, "secrets");
        Map<String, String> secrets = new LinkedHashMap<>();
        if (!node.exists()) {
            return secrets;
        }
        if (node.type() != Config.Type.OBJECT) {
            throw Settings.problem(item, "secrets", "expected a map of secret names to values");
        }
        for (Config entry : node.asNodeList().get()) {
            String key = entry.name();
            if (entry.type() != Config.Type.VALUE) {
                throw new ConfigException(entry.key().toString(), "expected a single value");
            }
            String value = entry.asString().get();
            String secret = key;
            if (key.endsWith("-file")) {
                secret = key.substring(0, key.length() - "-file".length());
                Path file = Settings.expandHome(value.strip());
                try {
                    value = Files.readString(file).strip();
                } catch (IOException e) {
                    throw new ConfigException(entry.key().toString(), "cannot read " + file + ": " + e.getMessage());
                }
            }
            if (secrets.put(secret, value) != null) {
                throw new ConfigException(entry.key().toString(), "set either secrets." + secret + " or secrets." + secret
                        + "-file, not both");
            }
        }
        List<ErrorDetail> problems = Definitions.checkSecrets(secrets);
        if (!problems.isEmpty()) {
            throw Settings.problem(item, problems.getFirst().field(), problems.getFirst().problem());
        }
        return secrets;
    }

    private static RoleMappingView mapping(Config item) {
        Config node = item.get("role-mapping");
        List<RoleMappingView.Rule> rules = new ArrayList<>();
        for (Config rule : Settings.items(node, "rules")) {
            rules.add(new RoleMappingView.Rule(Settings.optionalString(rule, "attribute").orElse(null),
                    Settings.optionalString(rule, "value").orElse(null), role(rule, "role")));
        }
        RoleMappingView mapping = new RoleMappingView(rules, role(node, "default-role"));
        List<ErrorDetail> problems = Definitions.checkMapping(mapping, "role-mapping");
        if (!problems.isEmpty()) {
            String field = problems.getFirst().field().replace("[", ".").replace("]", "").replace(".defaultRole", ".default-role");
            throw Settings.problem(item, field, problems.getFirst().problem());
        }
        return mapping;
    }

    private static Role role(Config node, String key) {
        return Settings.optionalString(node, key).map(text -> {
            try {
                return Role.fromWireName(text);
            } catch (IllegalArgumentException e) {
                throw Settings.problem(node, key, e.getMessage());
            }
        }).orElse(null);
    }

    /** A section as JSON-like values: maps, lists and strings (the file's numbers and booleans are read as text). */
    private static Map<String, Object> values(Config node) {
        if (!node.exists()) {
            return Map.of();
        }
        if (node.type() != Config.Type.OBJECT) {
            throw new ConfigException(node.key().toString(), "expected a map of settings");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) value(node);
        return map;
    }

    private static Object value(Config node) {
        return switch (node.type()) {
            case OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                node.asNodeList().get().forEach(child -> map.put(child.name(), value(child)));
                yield map;
            }
            case LIST -> node.asNodeList().get().stream().map(ProvidersConfig::value).toList();
            case VALUE -> node.asString().get();
            case MISSING -> null;
        };
    }
}
