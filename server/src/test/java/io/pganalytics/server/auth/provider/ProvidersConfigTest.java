package io.pganalytics.server.auth.provider;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.pganalytics.common.auth.Role;
import io.pganalytics.server.auth.AuthConfig;
import io.pganalytics.server.config.ConfigException;
import io.pganalytics.server.config.ConfigKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code auth.providers} as the configuration file gives it: every key of an item checked, secrets from files. */
class ProvidersConfigTest {
    private static Map<String, String> provider(String... more) {
        Map<String, String> values = new HashMap<>();
        values.put("auth.providers.0.name", "corp");
        values.put("auth.providers.0.kind", "ldap");
        values.put("auth.providers.0.role-mapping.default-role", "viewer");
        for (int i = 0; i < more.length; i += 2) {
            values.put(more[i], more[i + 1]);
        }
        return values;
    }

    /** Reads the auth node and holds the whole tree to the keys read, as the server's start does. */
    private static AuthConfig read(Map<String, String> values) {
        Config root = Config.just(ConfigSources.create(values));
        try (ConfigKeys.Recording keys = ConfigKeys.record()) {
            AuthConfig config = AuthConfig.from(root.get("auth"));
            keys.check(root);
            return config;
        }
    }

    private static ConfigException refused(Map<String, String> values) {
        return assertThrows(ConfigException.class, () -> read(values));
    }

    @Test
    void aProviderIsReadWithItsSettingsSecretsAndMapping(@TempDir Path dir) throws IOException {
        Path secret = dir.resolve("bind.secret");
        Files.writeString(secret, "s3cret-from-file\n");
        AuthConfig config = read(provider(
                "auth.providers.0.display-name", "Corporate directory",
                "auth.providers.0.enabled", "false",
                "auth.providers.0.settings.url", "ldaps://ldap.example.org:636",
                "auth.providers.0.settings.user-search.filter", "(uid={0})",
                "auth.providers.0.secrets.bindPassword-file", secret.toString(),
                "auth.providers.0.secrets.other", "inline",
                "auth.providers.0.role-mapping.rules.0.attribute", "groups",
                "auth.providers.0.role-mapping.rules.0.value", "cn=dba,ou=groups,dc=example,dc=org",
                "auth.providers.0.role-mapping.rules.0.role", "operator"));
        List<ProvidersConfig.Configured> providers = config.providers().providers();
        assertEquals(1, providers.size());
        ProviderDefinition definition = providers.getFirst().definition();
        assertEquals("auth.providers.0", providers.getFirst().key());
        assertEquals("corp", definition.name());
        assertEquals("Corporate directory", definition.displayName());
        assertEquals(false, definition.enabled());
        assertEquals("ldaps://ldap.example.org:636", definition.settings().get("url"));
        assertEquals(Map.of("filter", "(uid={0})"), definition.settings().get("user-search"));
        assertEquals(Map.of("bindPassword", "s3cret-from-file", "other", "inline"), definition.secrets());
        assertEquals(Role.VIEWER, definition.roleMapping().defaultRole());
        assertEquals(Set.of(Role.OPERATOR), definition.roleMapping().rolesFor(Map.of("groups", List.of("CN=dba,ou=groups,dc=example,dc=org"))).orElseThrow());
        assertTrue(definition.toString().contains("values hidden") && !definition.toString().contains("s3cret"), definition.toString());
    }

    @Test
    void anUnknownKeyOfAProviderIsRefusedByName() {
        assertEquals("auth.providers.0.dispaly-name", refused(provider("auth.providers.0.dispaly-name", "x")).key());
        assertEquals("auth.providers.0.role-mapping.defualt-role",
                refused(provider("auth.providers.0.role-mapping.defualt-role", "x")).key());
    }

    @Test
    void badValuesAreRefusedNamingTheirKey(@TempDir Path dir) {
        assertEquals("auth.providers.0.name", refused(provider("auth.providers.0.name", "Bad Name")).key());
        assertEquals("auth.providers.0.name", refused(provider("auth.providers.0.name", "local")).key());
        assertEquals("auth.providers.0.kind", refused(Map.of("auth.providers.0.name", "corp",
                "auth.providers.0.role-mapping.default-role", "viewer")).key());
        assertEquals("auth.providers.0.role-mapping.default-role",
                refused(provider("auth.providers.0.role-mapping.default-role", "root")).key());
        assertEquals("auth.providers.0.role-mapping", refused(Map.of("auth.providers.0.name", "corp",
                "auth.providers.0.kind", "ldap")).key());
        assertEquals("auth.providers.0.secrets.bindPassword-file",
                refused(provider("auth.providers.0.secrets.bindPassword-file", dir.resolve("missing").toString())).key());
        assertEquals("auth.providers.1.name", refused(provider("auth.providers.1.name", "corp", "auth.providers.1.kind", "ldap",
                "auth.providers.1.role-mapping.default-role", "viewer")).key());
    }
}
