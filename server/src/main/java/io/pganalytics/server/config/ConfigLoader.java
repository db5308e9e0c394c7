package io.pganalytics.server.config;

import io.helidon.common.media.type.MediaTypes;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.config.spi.ConfigSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Assembles the configuration tree. Precedence, highest first: command-line flags, {@code PGANALYTICS_...}
 * environment variables, the {@code --config} file, the built-in {@code application.yaml}.
 * <p>
 * Environment variable names map to keys by dropping the prefix, lower-casing, turning {@code __} into {@code -}
 * and {@code _} into {@code .}: {@code PGANALYTICS_DATABASE_URL} is {@code database.url},
 * {@code PGANALYTICS_HTTP_ADMIN__PORT} is {@code http.admin-port}.
 */
public final class ConfigLoader {
    public static final String ENV_PREFIX = "PGANALYTICS_";

    private ConfigLoader() {
    }

    public static Config load(Path configFile, Map<String, String> environment, Map<String, String> overrides) {
        List<Supplier<? extends ConfigSource>> sources = new ArrayList<>();
        if (!overrides.isEmpty()) {
            sources.add(ConfigSources.create(overrides).name("command line").build());
        }
        Map<String, String> fromEnv = environmentKeys(environment);
        if (!fromEnv.isEmpty()) {
            sources.add(ConfigSources.create(fromEnv).name("environment").build());
        }
        if (configFile != null) {
            if (!Files.isRegularFile(configFile)) {
                throw new ConfigException("--config", "file " + configFile + " does not exist or is not a file");
            }
            try {
                sources.add(ConfigSources.create(Files.readString(configFile), MediaTypes.APPLICATION_X_YAML));
            } catch (IOException e) {
                throw new ConfigException("--config", "cannot read " + configFile + ": " + e.getMessage());
            }
        }
        sources.add(ConfigSources.classpath("application.yaml").build());
        return Config.builder()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .disableValueResolving()
                .sources(sources)
                .build();
    }

    static Map<String, String> environmentKeys(Map<String, String> environment) {
        Map<String, String> keys = new LinkedHashMap<>();
        environment.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX) && name.length() > ENV_PREFIX.length()) {
                String key = name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT)
                        .replace("__", "\u0000").replace('_', '.').replace('\u0000', '-');
                keys.put(key, value);
            }
        });
        return keys;
    }
}
