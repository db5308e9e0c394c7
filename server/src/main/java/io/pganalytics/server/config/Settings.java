package io.pganalytics.server.config;

import io.helidon.config.Config;
import io.helidon.config.ConfigException;
import io.pganalytics.common.units.ByteSizes;
import io.pganalytics.common.units.Durations;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Typed reads of configuration values with defaults and range checks. Every failure is an
 * {@link io.pganalytics.server.config.ConfigException} that names the full key and what was wrong. Durations and sizes
 * are read by the product's one grammar ({@link Durations}, {@link ByteSizes}: {@code MB} is 1000 x 1000 bytes,
 * {@code MiB} 1024 x 1024), as the collector reads them. Every key read is recorded for {@link ConfigKeys}.
 */
public final class Settings {
    private Settings() {
    }

    public static String string(Config node, String key, String defaultValue) {
        return optionalString(node, key).orElse(defaultValue);
    }

    public static Optional<String> optionalString(Config node, String key) {
        ConfigKeys.read(node, key);
        Config value = node.get(key);
        if (!value.exists()) {
            return Optional.empty();
        }
        try {
            String text = value.asString().get().trim();
            return text.isEmpty() ? Optional.empty() : Optional.of(text);
        } catch (ConfigException e) {
            throw problem(node, key, "expected a single value, not a list or a map");
        }
    }

    public static int integer(Config node, String key, int defaultValue, int min, int max) {
        Optional<String> text = optionalString(node, key);
        if (text.isEmpty()) {
            return defaultValue;
        }
        int value;
        try {
            value = Integer.parseInt(text.get());
        } catch (NumberFormatException e) {
            throw problem(node, key, "'" + text.get() + "' is not a whole number");
        }
        if (value < min || value > max) {
            throw problem(node, key, value + " is out of range [" + min + ", " + max + "]");
        }
        return value;
    }

    public static long bytes(Config node, String key, long defaultValue, long min, long max) {
        Optional<String> text = optionalString(node, key);
        if (text.isEmpty()) {
            return defaultValue;
        }
        long result;
        try {
            result = ByteSizes.parse(text.get());
        } catch (IllegalArgumentException e) {
            throw problem(node, key, e.getMessage());
        }
        if (result < min || result > max) {
            throw problem(node, key, result + " bytes is out of range [" + min + ", " + max + "]");
        }
        return result;
    }

    public static boolean bool(Config node, String key, boolean defaultValue) {
        Optional<String> text = optionalString(node, key);
        if (text.isEmpty()) {
            return defaultValue;
        }
        return switch (text.get().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw problem(node, key, "'" + text.get() + "' is not true or false");
        };
    }

    /** A duration as ISO-8601 ({@code PT15M}) or simple ({@code 15m}, {@code 500ms}, {@code 7d}). */
    public static Duration duration(Config node, String key, Duration defaultValue, Duration min, Duration max) {
        Optional<String> text = optionalString(node, key);
        if (text.isEmpty()) {
            return defaultValue;
        }
        Duration value;
        try {
            value = Durations.parse(text.get());
        } catch (IllegalArgumentException e) {
            throw problem(node, key, e.getMessage());
        }
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw problem(node, key, value + " is out of range [" + min + ", " + max + "]");
        }
        return value;
    }

    /** A duration in the product's one grammar ({@link Durations}); empty when the text is none. */
    public static Optional<Duration> parseDuration(String text) {
        try {
            return Optional.of(Durations.parse(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public static Optional<Path> path(Config node, String key) {
        return optionalString(node, key).map(Settings::expandHome);
    }

    /** A list, given either as a YAML list or as one comma-separated value (as environment variables give it). */
    public static List<String> list(Config node, String key) {
        ConfigKeys.read(node, key);
        Config value = node.get(key);
        if (!value.exists()) {
            return List.of();
        }
        List<String> result = new ArrayList<>();
        if (value.isList()) {
            for (Config item : value.asNodeList().get()) {
                item.asString().ifPresent(s -> addSplit(result, s));
            }
        } else {
            value.asString().ifPresent(s -> addSplit(result, s));
        }
        return List.copyOf(result);
    }

    /**
     * The items of a list of sections ({@code key.0}, {@code key.1}...), none when the key is absent. The list itself is
     * not recorded: each item's keys are, as they are read, so that an unknown key inside an item is still refused.
     * Items given by number ({@code key.0.name} from a flag or {@code ..._0_NAME} from the environment) count too.
     */
    public static List<Config> items(Config node, String key) {
        Config value = node.get(key);
        if (!value.exists()) {
            return List.of();
        }
        if (value.isList()) {
            return value.asNodeList().get();
        }
        if (value.type() == Config.Type.OBJECT) {
            List<Config> children = value.asNodeList().get();
            if (children.stream().allMatch(child -> child.name().matches("\\d{1,4}"))) {
                return children.stream().sorted(java.util.Comparator.comparingInt(child -> Integer.parseInt(child.name()))).toList();
            }
        }
        throw problem(node, key, "expected a list");
    }

    /**
     * A section whose keys another part of the server checks (an identity provider kind's settings): it is recorded
     * whole, so that every key under it is accepted here.
     */
    public static Config section(Config node, String key) {
        ConfigKeys.read(node, key);
        return node.get(key);
    }

    public static <E extends Enum<E>> E choice(Config node, String key, Class<E> type, E defaultValue) {
        Optional<String> text = optionalString(node, key);
        if (text.isEmpty()) {
            return defaultValue;
        }
        String wanted = text.get().trim().replace('-', '_').toUpperCase(Locale.ROOT);
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(wanted)) {
                return constant;
            }
        }
        List<String> allowed = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            allowed.add(constant.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        throw problem(node, key, "'" + text.get() + "' is not one of " + allowed);
    }

    public static io.pganalytics.server.config.ConfigException problem(Config node, String key, String problem) {
        String prefix = node.key().toString();
        return new io.pganalytics.server.config.ConfigException(prefix.isEmpty() ? key : prefix + "." + key, problem);
    }

    public static Path expandHome(String path) {
        if (path.equals("~") || path.startsWith("~/")) {
            return Path.of(System.getProperty("user.home") + path.substring(1));
        }
        return Path.of(path);
    }

    private static void addSplit(List<String> into, String value) {
        for (String part : value.split(",")) {
            if (!part.isBlank()) {
                into.add(part.trim());
            }
        }
    }
}
