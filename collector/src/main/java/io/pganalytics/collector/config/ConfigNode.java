package io.pganalytics.collector.config;

import io.pganalytics.common.units.ByteSizes;
import io.pganalytics.common.units.Durations;
import io.pganalytics.common.units.NearestKey;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One mapping of the YAML tree, read key by key. Every problem is recorded with its full key
 * ({@code targets[1].url}) instead of stopping at the first; keys never read are reported as unknown, so a typo
 * does not silently fall back to a default (the message names the nearest key that is read). Durations and sizes are
 * read by the product's one grammar ({@link Durations}, {@link ByteSizes}), as the server reads them. Scalars outside lists can be overridden from the environment:
 * {@code spool.max-bytes} by {@code PGANALYTICS_COLLECTOR_SPOOL_MAX_BYTES}.
 */
final class ConfigNode {
    static final String ENV_PREFIX = "PGANALYTICS_COLLECTOR_";

    private final String path;
    private final Map<String, Object> values;
    private final Map<String, String> env;
    private final boolean envOverrides;
    private final List<String> problems;
    private final Set<String> read = new HashSet<>();

    ConfigNode(String path, Map<String, Object> values, Map<String, String> env, boolean envOverrides, List<String> problems) {
        this.path = path;
        this.values = values;
        this.env = env;
        this.envOverrides = envOverrides;
        this.problems = problems;
    }

    String key(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    void problem(String name, String message) {
        problems.add(key(name) + ": " + message);
    }

    boolean has(String name) {
        return raw(name, false) != null;
    }

    String string(String name, String fallback) {
        Object value = raw(name, true);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            problem(name, "must be a single value, not " + (value instanceof Map<?, ?> ? "a mapping" : "a list"));
            return fallback;
        }
        String text = String.valueOf(value).strip();
        return text.isEmpty() ? fallback : text;
    }

    int integer(String name, int fallback, int min, int max) {
        String text = string(name, null);
        if (text == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text);
            if (value < min || value > max) {
                problem(name, "must be between " + min + " and " + max + ", got " + value);
                return fallback;
            }
            return value;
        } catch (NumberFormatException e) {
            problem(name, "must be a whole number, got '" + text + "'");
            return fallback;
        }
    }

    boolean bool(String name, boolean fallback) {
        String text = string(name, null);
        if (text == null) {
            return fallback;
        }
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> {
                problem(name, "must be true or false, got '" + text + "'");
                yield fallback;
            }
        };
    }

    Duration duration(String name, Duration fallback, Duration min) {
        return duration(name, fallback, min, null);
    }

    /** @param max the largest value accepted, or null for no bound */
    Duration duration(String name, Duration fallback, Duration min, Duration max) {
        String text = string(name, null);
        if (text == null) {
            return fallback;
        }
        Duration value;
        try {
            value = Durations.parse(text);
        } catch (IllegalArgumentException e) {
            problem(name, e.getMessage());
            return fallback;
        }
        if (value.compareTo(min) < 0) {
            problem(name, "must be at least " + min.toMillis() + " ms, got '" + text + "'");
            return fallback;
        }
        if (max != null && value.compareTo(max) > 0) {
            problem(name, "must be at most " + max.toMillis() + " ms, got '" + text + "'");
            return fallback;
        }
        return value;
    }

    long size(String name, long fallback, long min) {
        String text = string(name, null);
        if (text == null) {
            return fallback;
        }
        long value;
        try {
            value = ByteSizes.parse(text);
        } catch (IllegalArgumentException e) {
            problem(name, e.getMessage());
            return fallback;
        }
        if (value < min) {
            problem(name, "must be at least " + min + " bytes, got '" + text + "'");
            return fallback;
        }
        return value;
    }

    Path path(String name, Path fallback, Path baseDir) {
        String text = string(name, null);
        if (text == null) {
            return fallback;
        }
        if (text.startsWith("~/")) {
            return Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), text.substring(2));
        }
        Path value = Path.of(text);
        return value.isAbsolute() || baseDir == null ? value : baseDir.resolve(value).normalize();
    }

    List<String> strings(String name) {
        Object value = raw(name, false);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            problem(name, "must be a list");
            return List.of();
        }
        List<String> result = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Object item = list.get(i);
            if (item == null || item instanceof Map<?, ?> || item instanceof List<?>) {
                problems.add(key(name) + "[" + i + "]: must be a single value");
            } else {
                result.add(String.valueOf(item).strip());
            }
        }
        return result;
    }

    ConfigNode child(String name) {
        Object value = raw(name, false);
        if (value == null) {
            return new ConfigNode(key(name), Map.of(), env, envOverrides, problems);
        }
        if (!(value instanceof Map<?, ?> map)) {
            problem(name, "must be a mapping of keys to values");
            return new ConfigNode(key(name), Map.of(), env, envOverrides, problems);
        }
        return new ConfigNode(key(name), stringKeys(map), env, envOverrides, problems);
    }

    List<ConfigNode> list(String name) {
        Object value = raw(name, false);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            problem(name, "must be a list");
            return List.of();
        }
        List<ConfigNode> nodes = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String itemKey = key(name) + "[" + i + "]";
            if (list.get(i) instanceof Map<?, ?> map) {
                nodes.add(new ConfigNode(itemKey, stringKeys(map), env, false, problems));
            } else {
                problems.add(itemKey + ": must be a mapping of keys to values");
            }
        }
        return nodes;
    }

    /** Duration values of a mapping whose keys are free (family names). */
    Map<String, Duration> durations(String name, Duration min) {
        ConfigNode child = child(name);
        Map<String, Duration> result = new LinkedHashMap<>();
        for (String key : child.values.keySet()) {
            Duration value = child.duration(key, null, min);
            if (value != null) {
                result.put(key, value);
            }
        }
        return result;
    }

    Set<String> keys() {
        return values.keySet();
    }

    /** Reports every key of this mapping that nothing read, with the read key nearest to it. */
    void rejectUnknownKeys() {
        for (String key : values.keySet()) {
            if (!read.contains(key)) {
                problem(key, "unknown key" + NearestKey.among(key, read).map(k -> "; did you mean " + key(k) + "?").orElse(""));
            }
        }
    }

    private Object raw(String name, boolean scalar) {
        read.add(name);
        if (scalar && envOverrides) {
            String fromEnv = env.get(ENV_PREFIX + key(name).toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
            if (fromEnv != null) {
                return fromEnv;
            }
        }
        return values.get(name);
    }

    private Map<String, Object> stringKeys(Map<?, ?> map) {
        Map<String, Object> result = new LinkedHashMap<>();
        map.forEach((k, v) -> result.put(String.valueOf(k), v));
        return result;
    }
}
