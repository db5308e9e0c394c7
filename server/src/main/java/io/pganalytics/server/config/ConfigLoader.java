package io.pganalytics.server.config;

import io.helidon.common.media.type.MediaTypes;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.config.spi.ConfigSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Assembles the configuration tree. Precedence, highest first: command-line flags, {@code PGANALYTICS_...}
 * environment variables, the {@code --config} file, the built-in {@code application.yaml}.
 * <p>
 * Environment variable names map to keys by dropping the prefix, lower-casing, turning {@code __} into {@code -}
 * and {@code _} into {@code .}: {@code PGANALYTICS_DATABASE_URL} is {@code database.url},
 * {@code PGANALYTICS_HTTP_ADMIN__PORT} is {@code http.admin-port}. The variables of other programs and of the server's
 * own first start ({@link #NOT_CONFIGURATION}) are not configuration keys and are left out.
 * <p>
 * A file that is not valid YAML (or repeats a key) is refused with its name, line and column, before Helidon reads it.
 */
public final class ConfigLoader {
    public static final String ENV_PREFIX = "PGANALYTICS_";
    /**
     * Variables with the prefix that are not server configuration: the first admin's password, the launcher's options,
     * the default variables of the key-encryption key's passphrase and the HSM's PIN, and the password of the server's
     * command-line tools.
     */
    static final Set<String> NOT_CONFIGURATION = Set.of("PGANALYTICS_ADMIN_PASSWORD", "PGANALYTICS_JAVA_OPTS",
            "PGANALYTICS_KEK_PASSPHRASE", "PGANALYTICS_HSM_PIN", "PGANALYTICS_PASSWORD");
    private static final List<String> OTHER_PROGRAMS = List.of("PGANALYTICS_COLLECTOR_", "PGANALYTICS_CONSOLE_");

    private ConfigLoader() {
    }

    public static Config load(Path configFile, Map<String, String> environment, Map<String, String> overrides) {
        String fileText = fileText(configFile);
        List<Supplier<? extends ConfigSource>> sources = new ArrayList<>();
        if (!overrides.isEmpty()) {
            sources.add(ConfigSources.create(overrides).name("command line").build());
        }
        // a variable that a setting names as holding a secret (encryption.aws-kms.access-key-id-env: PGANALYTICS_KMS_KEY)
        // is that secret, not a configuration key
        Map<String, String> fromEnv = environmentKeys(environment, namedVariables(overrides, files(fileText)));
        if (!fromEnv.isEmpty()) {
            sources.add(ConfigSources.create(fromEnv).name("environment").build());
        }
        sources.addAll(files(fileText));
        return build(sources);
    }

    private static Config build(List<Supplier<? extends ConfigSource>> sources) {
        return Config.builder()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .disableValueResolving()
                .sources(sources)
                .build();
    }

    /** The values of every {@code ...-env} setting of the command line, the file and the built-in defaults. */
    private static Set<String> namedVariables(Map<String, String> overrides, List<Supplier<? extends ConfigSource>> files) {
        List<Supplier<? extends ConfigSource>> sources = new ArrayList<>();
        if (!overrides.isEmpty()) {
            sources.add(ConfigSources.create(overrides).build());
        }
        sources.addAll(files);
        Set<String> names = new HashSet<>();
        build(sources).traverse().filter(Config::isLeaf).filter(node -> node.name().endsWith("-env"))
                .forEach(node -> node.asString().ifPresent(value -> names.add(value.strip())));
        return names;
    }

    /** Fresh sources each time: a source is read once, by the first configuration built from it. */
    private static List<Supplier<? extends ConfigSource>> files(String fileText) {
        List<Supplier<? extends ConfigSource>> sources = new ArrayList<>();
        if (fileText != null) {
            sources.add(ConfigSources.create(fileText, MediaTypes.APPLICATION_X_YAML));
        }
        sources.add(ConfigSources.classpath("application.yaml").build());
        return sources;
    }

    private static String fileText(Path configFile) {
        if (configFile == null) {
            return null;
        }
        if (!Files.isRegularFile(configFile)) {
            throw new ConfigException("--config", "file " + configFile + " does not exist or is not a file");
        }
        String text;
        try {
            text = Files.readString(configFile);
        } catch (IOException e) {
            throw new ConfigException("--config", "cannot read " + configFile + ": " + e.getMessage());
        }
        checkSyntax(configFile, text);
        return text;
    }

    /** Parses the file as Helidon will, to name the place of a syntax error (Helidon's own error is a stack trace). */
    static void checkSyntax(Path file, String text) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        try {
            new Yaml(new SafeConstructor(options)).load(text);
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String where = mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
            String problem = (e.getContext() == null ? "" : e.getContext() + ": ") + e.getProblem();
            throw ConfigException.file(file, "not valid YAML" + where + ": " + problem.replaceAll("\\s+", " ").strip());
        } catch (YAMLException e) {
            throw ConfigException.file(file, "not valid YAML: " + String.valueOf(e.getMessage()).replaceAll("\\s+", " ").strip());
        }
    }

    static Map<String, String> environmentKeys(Map<String, String> environment) {
        return environmentKeys(environment, Set.of());
    }

    static Map<String, String> environmentKeys(Map<String, String> environment, Set<String> secrets) {
        Map<String, String> keys = new LinkedHashMap<>();
        environment.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX) && name.length() > ENV_PREFIX.length() && !NOT_CONFIGURATION.contains(name)
                    && !secrets.contains(name)
                    && OTHER_PROGRAMS.stream().noneMatch(name::startsWith)) {
                String key = name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT)
                        .replace("__", "\u0000").replace('_', '.').replace('\u0000', '-');
                keys.put(key, value);
            }
        });
        return keys;
    }
}
