package io.pganalytics.collector.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One mapping of the YAML tree, read key by key. Every problem is recorded with its full key
 * ({@code targets[1].url}) instead of stopping at the first; keys never read are reported as unknown, so a typo
 * does not silently fall back to a default. Scalars outside lists can be overridden from the environment:
 * {@code spool.max-bytes} by {@code PGANALYTICS_COLLECTOR_SPOOL_MAX_BYTES}.
 */
final class ConfigNode {
    static final String ENV_PREFIX = "PGANALYTICS_COLLECTOR_";
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KB|KiB|MB|MiB|GB|GiB)?", Pattern.CASE_INSENSITIVE);

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
        String text = string(name, null);
        return text == null ? fallback : parseDuration(name, text, fallback, min);
    }

    private Duration parseDuration(String name, String text, Duration fallback, Duration min) {
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            problem(name, "must be a duration such as 500ms, 10s, 5m or 1h, got '" + text + "'");
            return fallback;
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        Duration value = switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            default -> Duration.ofSeconds(amount);
        };
        if (value.compareTo(min) < 0) {
            problem(name, "must be at least " + min.toMillis() + " ms, got '" + text + "'");
            return fallback;
        }
        return value;
    }

    long size(String name, long fallback, long min) {
        String text = string(name, null);
        if (text == null) {
            return fallback;
        }
        Matcher m = SIZE.matcher(text);
        if (!m.matches()) {
            problem(name, "must be a size such as 256MiB, 64KiB or a number of bytes, got '" + text + "'");
            return fallback;
        }
        long factor = switch (m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT)) {
            case "kb" -> 1000L;
            case "kib" -> 1024L;
            case "mb" -> 1000L * 1000;
            case "mib" -> 1024L * 1024;
            case "gb" -> 1000L * 1000 * 1000;
            case "gib" -> 1024L * 1024 * 1024;
            default -> 1L;
        };
        long value;
        try {
            value = Math.multiplyExact(Long.parseLong(m.group(1)), factor);
        } catch (ArithmeticException | NumberFormatException e) {
            problem(name, "is too large: '" + text + "'");
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

    /** Reports every key of this mapping that nothing read. */
    void rejectUnknownKeys() {
        for (String key : values.keySet()) {
            if (!read.contains(key)) {
                problem(key, "unknown key");
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
